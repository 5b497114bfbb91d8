module rewire.example/bench

go 1.19
