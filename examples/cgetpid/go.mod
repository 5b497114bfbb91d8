module example.com/cgetpid

go 1.19
