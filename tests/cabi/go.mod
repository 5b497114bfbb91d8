module example.com/cabi

go 1.19
