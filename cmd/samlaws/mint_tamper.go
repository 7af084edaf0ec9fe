package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/samlaws/samlaws/internal/mint"
)

// knobHelp lists the --tamper names of mint.Knobs with their rules, wrapped
// for the help text.
func knobHelp() string {
	const indent = "                          "
	var lines []string
	line := indent
	for i, k := range mint.Knobs() {
		item := k.Name + " (" + k.Rule + ")"
		if i < len(mint.Knobs())-1 {
			item += ","
		}
		if len(line)+1+len(item) > 79 && line != indent {
			lines = append(lines, line)
			line = indent
		}
		if line != indent {
			line += " "
		}
		line += item
	}
	return strings.Join(append(lines, line), "\n")
}

// mintTamperNames returns the --tamper names, comma-separated.
func mintTamperNames() string {
	var names []string
	for _, k := range mint.Knobs() {
		names = append(names, k.Name)
	}
	return strings.Join(names, ", ")
}

// tamperList is the repeatable --tamper flag; each value may hold several
// comma-separated names of mint.Knobs.
type tamperList []string

func (l *tamperList) String() string { return strings.Join(*l, ",") }

func (l *tamperList) Set(v string) error {
	for name := range strings.SplitSeq(v, ",") {
		name = strings.TrimSpace(name)
		if _, ok := mint.KnobNamed(name); !ok {
			return fmt.Errorf("unknown tamper %q; known: %s", clip(name), mintTamperNames())
		}
		if !slices.Contains(*l, name) {
			*l = append(*l, name)
		}
	}
	return nil
}

// apply sets the knobs named in l on spec.
func (l tamperList) apply(spec *mint.ResponseSpec) error {
	for _, name := range l {
		k, ok := mint.KnobNamed(name)
		if !ok {
			return fmt.Errorf("unknown tamper %q", clip(name))
		}
		k.Apply(spec)
	}
	return nil
}
