module example.com/original

go 1.19
