module example.com/cfunc

go 1.19
