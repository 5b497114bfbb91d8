package p

//go:redirect-original a%2eb.C
func _() {}
"unterminated
