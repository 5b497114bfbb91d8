#include "textflag.h"

// loopy's loop head sits 3 bytes past its entry: inside the 5 bytes a
// redirect would overwrite.
TEXT ·loopy(SB),NOSPLIT,$0-8
	XORQ AX, AX
loop:
	INCQ AX
	CMPQ AX, $10
	JLT loop
	MOVQ AX, ret+0(FP)
	RET

// short is a single RET: too small for a 5-byte jump.
TEXT ·short(SB),NOSPLIT,$0-0
	RET

TEXT ·other(SB),NOSPLIT,$0-8
	MOVQ $7, AX
	MOVQ AX, ret+0(FP)
	RET
