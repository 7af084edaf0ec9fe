package main

import (
	"errors"
	"flag"
	"io"
	"slices"
	"testing"
)

// TestParseInterspersed: the one flag parser of the commands with positional
// arguments (check, decode, metadata): flags anywhere, "-" positional,
// everything after "--" positional, -h and bad flags returned as they are.
func TestParseInterspersed(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		pos     []string
		json    bool
		wantErr error
	}{
		{args: []string{"a.xml", "--json", "b.xml"}, pos: []string{"a.xml", "b.xml"}, json: true},
		{args: []string{"--json", "-"}, pos: []string{"-"}, json: true},
		{args: []string{"a", "--", "--json", "b"}, pos: []string{"a", "--json", "b"}},
		{args: []string{"--", "a", "--json"}, pos: []string{"a", "--json"}},
		{args: []string{"a", "-h"}, wantErr: flag.ErrHelp},
	} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		j := fs.Bool("json", false, "")
		pos, err := parseInterspersed(fs, tc.args)
		if tc.wantErr != nil {
			if !errors.Is(err, tc.wantErr) {
				t.Errorf("%q: err = %v, want %v", tc.args, err, tc.wantErr)
			}
			continue
		}
		if err != nil || !slices.Equal(pos, tc.pos) || *j != tc.json {
			t.Errorf("%q: pos %q json %v err %v; want %q %v", tc.args, pos, *j, err, tc.pos, tc.json)
		}
	}
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Bool("json", false, "")
	if _, err := checkParseInterspersed(fs, []string{"a", "--jsn"}); err == nil {
		t.Error("unknown flag accepted")
	} else if ue := (*usageError)(nil); !errors.As(err, &ue) {
		t.Errorf("unknown flag: %T %v, want a usage error", err, err)
	}
}
