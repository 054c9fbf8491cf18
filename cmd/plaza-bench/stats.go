package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Result is what one scenario measured.
type Result struct {
	Name      string
	Unit      string        // what Rate counts: "requests", "activities", "deliveries"
	OK        int           // operations that succeeded
	Errors    int           // operations that failed
	FirstErr  string        // the first failure, for the report
	Elapsed   time.Duration // wall time of the timed phase
	Latencies []time.Duration
	RSSPeakKB int64 // highest server RSS sampled during the timed phase (0: unknown)
	RSSEndKB  int64 // server RSS after it
	Extra     []string
}

// Rate is successful operations per second of wall time.
func (r *Result) Rate() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.OK) / r.Elapsed.Seconds()
}

// Percentile returns the p-th percentile (0–100) of the latencies, nearest
// rank.
func Percentile(lat []time.Duration, p float64) time.Duration {
	if len(lat) == 0 {
		return 0
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	i := int(float64(len(s))*p/100+0.5) - 1
	return s[max(0, min(i, len(s)-1))]
}

// Print writes the result as a short block of text.
func (r *Result) Print(w io.Writer) {
	fmt.Fprintf(w, "%-18s %7d %s ok, %d errors in %s: %.1f %s/s, p50 %s, p99 %s, rss %s (peak %s)\n",
		r.Name, r.OK, r.Unit, r.Errors, r.Elapsed.Round(time.Millisecond), r.Rate(), r.Unit,
		fmtDur(Percentile(r.Latencies, 50)), fmtDur(Percentile(r.Latencies, 99)), fmtKB(r.RSSEndKB), fmtKB(r.RSSPeakKB))
	for _, e := range r.Extra {
		fmt.Fprintf(w, "%-18s   %s\n", "", e)
	}
	if r.FirstErr != "" {
		fmt.Fprintf(w, "%-18s   first error: %s\n", "", r.FirstErr)
	}
}

func fmtDur(d time.Duration) string {
	switch {
	case d == 0:
		return "-"
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond))
	default:
		return d.Round(100 * time.Microsecond).String()
	}
}

func fmtKB(kb int64) string {
	if kb <= 0 {
		return "?"
	}
	return fmt.Sprintf("%.1fMB", float64(kb)/1024)
}

// RSSProbe reads the server's resident set size in kB: from
// /proc/<pid>/status when PID is set, else from the first number printed by
// Cmd (run with sh -c). Neither set: unknown (0).
type RSSProbe struct {
	PID int
	Cmd string
}

// Read returns the current RSS in kB, or 0 when it cannot be known.
func (p RSSProbe) Read(ctx context.Context) int64 {
	switch {
	case p.PID > 0:
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.PID))
		if err != nil {
			return 0
		}
		for _, line := range strings.Split(string(data), "\n") {
			if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
				return firstNumber(rest)
			}
		}
	case p.Cmd != "":
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, "sh", "-c", p.Cmd).Output()
		if err != nil {
			return 0
		}
		return firstNumber(string(out))
	}
	return 0
}

func firstNumber(s string) int64 {
	for _, f := range strings.Fields(s) {
		if n, err := strconv.ParseInt(f, 10, 64); err == nil {
			return n
		}
	}
	return 0
}

// sampleRSS reads the probe every interval until stop is called, which
// returns the peak seen.
func sampleRSS(ctx context.Context, p RSSProbe, interval time.Duration) (stop func() int64) {
	if p.PID == 0 && p.Cmd == "" {
		return func() int64 { return 0 }
	}
	done := make(chan struct{})
	var peak int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			peak = max(peak, p.Read(ctx))
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return func() int64 {
		close(done)
		wg.Wait()
		return peak
	}
}

// runBounded calls op(i) for i in [0, n) from workers goroutines, stopping
// early when ctx ends (the time bound), and records each call's latency.
func runBounded(ctx context.Context, name, unit string, n, workers int, op func(ctx context.Context, i int) error) *Result {
	res := &Result{Name: name, Unit: unit}
	var mu sync.Mutex
	next := make(chan int)
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < max(1, workers); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				t0 := time.Now()
				err := op(ctx, i)
				d := time.Since(t0)
				mu.Lock()
				if err != nil {
					res.Errors++
					if res.FirstErr == "" {
						res.FirstErr = err.Error()
					}
				} else {
					res.OK++
					res.Latencies = append(res.Latencies, d)
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for i := 0; i < n; i++ {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	res.Elapsed = time.Since(start)
	if res.OK+res.Errors < n {
		res.Extra = append(res.Extra, fmt.Sprintf("stopped by the time bound after %d of %d", res.OK+res.Errors, n))
	}
	return res
}
