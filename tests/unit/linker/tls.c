/* Thread-local storage, which the C image cannot have. */
__thread int c_tls;

int c_tls_read(void)
{
	return c_tls;
}
