// Package cgetpid writes lock files that name the process holding them.
package cgetpid

import (
	"fmt"
	"os"
)

// LockLine is the line a lock file holds.
func LockLine(tool string) string {
	return fmt.Sprintf("%s locked by pid %d", tool, os.Getpid())
}
