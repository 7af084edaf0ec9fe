// Command apicount counts the exported identifiers of the module's public
// packages (issue 15): every package outside internal/, cmd/ and examples/.
//
//	go run ./internal/tools/apicount [-v] [module root]
//
// An identifier is an exported package-level constant, variable, type or
// function, or an exported method of an exported type. Struct fields are not
// counted (they are part of their type). Test files are ignored. A type alias
// whose target lives in an internal package is reported as an error, because
// its methods would be part of the API without being counted.
package main

import (
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Package is one public package's count.
type Package struct {
	Dir   string   // slash-separated directory relative to the module root
	Names []string // "Name" or "Type.Method", sorted
}

// countModule walks the module rooted at root and counts every public package.
func countModule(root string) ([]Package, error) {
	var pkgs []Package
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		base := d.Name()
		if rel != "." && (strings.HasPrefix(base, ".") || strings.HasPrefix(base, "_") || base == "testdata" || base == "node_modules") {
			return filepath.SkipDir
		}
		first := strings.SplitN(rel, "/", 2)[0]
		if first == "internal" || first == "cmd" || first == "examples" {
			return filepath.SkipDir
		}
		p, err := countDir(path)
		if err != nil {
			return err
		}
		if p != nil {
			p.Dir = rel
			pkgs = append(pkgs, *p)
		}
		return nil
	})
	return pkgs, err
}

// countDir counts the exported identifiers of the package in dir, or returns
// nil when dir holds no non-test Go files or a main package.
func countDir(dir string) (*Package, error) {
	fset := token.NewFileSet()
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	p := &Package{}
	seen := false
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, n), nil, parser.SkipObjectResolution|parser.ParseComments)
		if err != nil {
			return nil, err
		}
		if f.Name.Name == "main" {
			return nil, nil
		}
		if !buildable(f) {
			continue
		}
		seen = true
		internal := map[string]bool{} // local import names of internal packages
		for _, imp := range f.Imports {
			path := strings.Trim(imp.Path.Value, `"`)
			if strings.Contains(path, "/internal/") || strings.HasPrefix(path, "internal/") {
				name := path[strings.LastIndex(path, "/")+1:]
				if imp.Name != nil {
					name = imp.Name.Name
				}
				internal[name] = true
			}
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if !d.Name.IsExported() {
					continue
				}
				if d.Recv == nil {
					p.Names = append(p.Names, d.Name.Name)
					continue
				}
				if recv := recvName(d.Recv.List[0].Type); ast.IsExported(recv) {
					p.Names = append(p.Names, recv+"."+d.Name.Name)
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						if !s.Name.IsExported() {
							continue
						}
						p.Names = append(p.Names, s.Name.Name)
						if s.Assign.IsValid() {
							if sel, ok := s.Type.(*ast.SelectorExpr); ok {
								if x, ok := sel.X.(*ast.Ident); ok && internal[x.Name] {
									return nil, fmt.Errorf("%s: exported alias %s of internal type %s.%s hides its methods from the count",
										fset.Position(s.Pos()), s.Name.Name, x.Name, sel.Sel.Name)
								}
							}
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							if n.IsExported() {
								p.Names = append(p.Names, n.Name)
							}
						}
					}
				}
			}
		}
	}
	if !seen {
		return nil, nil
	}
	sort.Strings(p.Names)
	return p, nil
}

// buildable reports whether f has no //go:build line excluding it from a
// default build (only "ignore" is recognised: the module uses no others).
func buildable(f *ast.File) bool {
	for _, g := range f.Comments {
		if g.Pos() > f.Package {
			break
		}
		for _, c := range g.List {
			if strings.HasPrefix(c.Text, "//go:build") && strings.Contains(c.Text, "ignore") {
				return false
			}
		}
	}
	return true
}

func recvName(t ast.Expr) string {
	for {
		switch x := t.(type) {
		case *ast.StarExpr:
			t = x.X
		case *ast.IndexExpr:
			t = x.X
		case *ast.IndexListExpr:
			t = x.X
		case *ast.ParenExpr:
			t = x.X
		case *ast.Ident:
			return x.Name
		default:
			return ""
		}
	}
}

func main() {
	verbose := flag.Bool("v", false, "list every identifier")
	flag.Parse()
	root := "."
	if flag.NArg() > 0 {
		root = flag.Arg(0)
	}
	pkgs, err := countModule(root)
	if err != nil {
		fmt.Fprintln(os.Stderr, "apicount:", err)
		os.Exit(1)
	}
	total := 0
	for _, p := range pkgs {
		fmt.Printf("%5d  %s\n", len(p.Names), p.Dir)
		if *verbose {
			for _, n := range p.Names {
				fmt.Printf("         %s\n", n)
			}
		}
		total += len(p.Names)
	}
	fmt.Printf("%5d  total\n", total)
}
