module example.com/testexec

go 1.19
