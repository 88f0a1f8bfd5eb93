// Command pivsr super-resolves sparse PIV velocity fields and holds the
// tools around them. Run `pivsr help` for the subcommands.
package main

import (
	"os"

	"pivsr/cli"
)

func main() {
	os.Exit(cli.Run(os.Args[1:], os.Stdout, os.Stderr))
}
