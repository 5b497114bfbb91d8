/* Syscall decoders: the address space. */
#include "kernel.h"
#include "linux_abi.h"
#include "syscalls.h"
#include "user.h"

long sys_mmap(const long *a)
{
	return vm_mmap((uintptr_t)a[0], (size_t)a[1], (int)a[2], (int)a[3],
		       (int)a[4], a[5]);
}

long sys_munmap(const long *a)
{
	return vm_munmap((uintptr_t)a[0], (size_t)a[1]);
}

long sys_mprotect(const long *a)
{
	return vm_mprotect((uintptr_t)a[0], (size_t)a[1], (int)a[2]);
}

long sys_madvise(const long *a)
{
	return vm_madvise((uintptr_t)a[0], (size_t)a[1], (int)a[2]);
}

long sys_mincore(const long *a)
{
	size_t pages = ((size_t)a[1] + PAGE_MASK) / PAGE_SIZE;
	if (pages && !user_ok(USER_PTR(void, a[2]), pages))
		return -EFAULT;
	return vm_mincore((uintptr_t)a[0], (size_t)a[1],
			  USER_PTR(unsigned char, a[2]));
}

long sys_brk(const long *a)
{
	/* No heap segment: every break request fails, the way Linux reports
	 * it (the current break, 0, is returned). Go never uses brk. */
	(void)a;
	return 0;
}
