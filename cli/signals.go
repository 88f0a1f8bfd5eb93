package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// interruptError reports a command stopped by a signal; the process exits
// with 128 + the signal number (130 for SIGINT, 143 for SIGTERM, 129 for
// SIGHUP, the SSH drop), as shells expect.
type interruptError struct {
	sig syscall.Signal
	err error
}

func (i interruptError) Error() string {
	return fmt.Sprintf("stopped by %v: %v", i.sig, i.err)
}

func (i interruptError) Unwrap() error { return i.err }

// signalContext returns a context cancelled by SIGINT, SIGTERM or SIGHUP,
// and a function that stops listening and says which signal (if any) came.
func signalContext() (context.Context, func() (syscall.Signal, bool)) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	var (
		mu  sync.Mutex
		got syscall.Signal
		hit bool
	)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-ch:
			mu.Lock()
			got, hit = s.(syscall.Signal), true
			mu.Unlock()
			cancel()
		case <-done:
		}
	}()
	return ctx, func() (syscall.Signal, bool) {
		signal.Stop(ch)
		close(done)
		cancel()
		mu.Lock()
		defer mu.Unlock()
		return got, hit
	}
}
