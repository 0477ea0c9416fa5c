// The Dockerfile oracle: BuildKit's own frontend code, asked what a build of a
// Dockerfile would fetch, read and run. This file is shared by every BuildKit
// generation; gen.go beside it (one per generation, in test/oracle/<gen>/)
// holds the calls whose signatures changed between BuildKit releases.
//
// It is built by scripts/oracle-up.sh against the BuildKit source Debian ships
// (see that script); nothing of BuildKit is kept in this repository.
//
// Input: JSON lines on stdin, one request per line:
//   {"id":"…","dockerfile":"…","allowedImages":["golang:1.26-alpine"],"allowedUrls":[],"allowedFrontends":[]}
// Output: one JSON line per request (see result below), in the same order.
// With a file argument instead, it judges that file and prints indented JSON.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/moby/buildkit/solver/pb"
	digest "github.com/opencontainers/go-digest"
)

type request struct {
	ID               string   `json:"id"`
	Dockerfile       string   `json:"dockerfile"`
	AllowedImages    []string `json:"allowedImages,omitempty"`
	AllowedURLs      []string `json:"allowedUrls,omitempty"`
	AllowedFrontends []string `json:"allowedFrontends,omitempty"`
}

type frontendInfo struct {
	Ref     string `json:"ref"`
	Cmdline string `json:"cmdline"`
}

type stageInfo struct {
	Name string `json:"name,omitempty"`
	// The FROM word as written, before ARG expansion.
	From string `json:"from"`
	Line int    `json:"line"`
}

// One instruction as BuildKit's parser read it.
type astInfo struct {
	Keyword string   `json:"keyword"`
	Line    int      `json:"line"`
	EndLine int      `json:"endLine"`
	Flags   []string `json:"flags,omitempty"`
	Words   []string `json:"words"`
}

type sourceInfo struct {
	Identifier string            `json:"identifier"`
	Attrs      map[string]string `json:"attrs,omitempty"`
}

type mountInfo struct {
	Type   string `json:"type"`
	Target string `json:"target"`
	// What the mount reads, when it reads a source directly (an image, the context).
	From string `json:"from,omitempty"`
	ID   string `json:"id,omitempty"`
}

type result struct {
	ID         string `json:"id"`
	Generation string `json:"generation"`
	BuildKit   string `json:"buildkit"`
	// Why BuildKit refuses the file (parse, instruction or conversion error); nothing is fetched then,
	// except a frontend, which is chosen before the file is parsed.
	ParseError  string        `json:"parseError,omitempty"`
	Frontend    *frontendInfo `json:"frontend,omitempty"`
	EscapeToken string        `json:"escapeToken,omitempty"`
	// The parser's reading, instruction by instruction, and its dump in the form of BuildKit's parser test files.
	AST     []astInfo   `json:"ast"`
	ASTDump string      `json:"astDump,omitempty"`
	Stages  []stageInfo `json:"stages"`
	// Each stage's base as the frontend asked the image resolver for it (after ARG expansion and normalisation).
	BaseImages []string `json:"baseImages"`
	// The targets converted: "" is the default (last) stage, then every named stage.
	Targets []string `json:"targets"`
	// Every source op of every target's LLB: docker-image://, https://, git://, local://…
	Sources  []sourceInfo `json:"sources"`
	Images   []string     `json:"images"`
	URLs     []string     `json:"urls"`
	Mounts   []mountInfo  `json:"mounts"`
	Network  []string     `json:"network"`
	Security []string     `json:"security"`
	// Why a build of this file reaches beyond the submission: empty when it does not.
	Dangerous []string `json:"dangerous"`
}

// The one frontend a submission may name: BuildKit's own Dockerfile frontend, by an exact version tag.
var defaultFrontend = regexp.MustCompile(`^docker/dockerfile:[0-9]+(\.[0-9]+){0,2}$`)

// recorder stands in for the image resolver: no registry is asked; every image
// is a one-layer linux image with an empty config, and each name asked is kept.
type recorder struct {
	mu   sync.Mutex
	refs map[string]struct{}
}

func (r *recorder) record(ref string) []byte {
	r.mu.Lock()
	r.refs[ref] = struct{}{}
	r.mu.Unlock()
	return []byte(`{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:` + strings.Repeat("0", 64) + `"]},"config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]}}`)
}

func judge(ctx context.Context, req request) (res result) {
	res = result{ID: req.ID, Generation: generation, BuildKit: buildkitVersion, AST: []astInfo{},
		Stages: []stageInfo{}, BaseImages: []string{}, Targets: []string{}, Sources: []sourceInfo{}, Images: []string{},
		URLs: []string{}, Mounts: []mountInfo{}, Network: []string{}, Security: []string{}, Dangerous: []string{}}
	defer func() {
		if p := recover(); p != nil {
			res.ParseError = fmt.Sprintf("oracle panic: %v", p)
			res.Dangerous = append(res.Dangerous, "oracle-panic: BuildKit's code panicked on this file")
		}
	}()
	dt := []byte(req.Dockerfile)
	danger := map[string]struct{}{}

	// The Dockerfile frontend looks for `# syntax=` before it parses anything and hands the build to that image.
	if ref, cmdline, ok := detectSyntax(dt); ok {
		res.Frontend = &frontendInfo{Ref: ref, Cmdline: cmdline}
		if !frontendAllowed(ref, req.AllowedFrontends) {
			danger["frontend: runs "+ref+" as the Dockerfile frontend"] = struct{}{}
		}
	}

	ast, dump, astErr := parseAST(dt)
	if astErr == nil {
		res.AST = ast
		res.ASTDump = dump
	}
	escape, stages, err := parseStages(dt)
	if err != nil {
		res.ParseError = err.Error()
		res.Dangerous = sorted(danger)
		return res
	}
	res.EscapeToken = string(escape)
	res.Stages = stages

	targets := []string{""}
	for _, s := range stages {
		if s.Name != "" {
			targets = append(targets, s.Name)
		}
	}
	rec := &recorder{refs: map[string]struct{}{}}
	seenSrc := map[string]bool{}
	seenMount := map[string]bool{}
	netModes := map[string]struct{}{}
	secModes := map[string]struct{}{}
	for _, target := range targets {
		defs, err := convert(ctx, dt, target, rec)
		if err != nil {
			if target == "" {
				res.ParseError = err.Error()
				res.Dangerous = sorted(danger)
				return res
			}
			continue
		}
		res.Targets = append(res.Targets, target)
		walk(defs, &res, seenSrc, seenMount, netModes, secModes)
	}
	res.BaseImages = sorted(rec.refs)
	res.Network = sorted(netModes)
	res.Security = sorted(secModes)

	for _, s := range res.Sources {
		id := s.Identifier
		switch {
		case strings.HasPrefix(id, "docker-image://"):
			img := strings.TrimPrefix(id, "docker-image://")
			if !imageAllowed(img, req.AllowedImages) {
				danger["image: reads "+img+", which is not one of the lab's images"] = struct{}{}
			}
		case strings.HasPrefix(id, "http://"), strings.HasPrefix(id, "https://"):
			if !contains(req.AllowedURLs, id) {
				danger["fetch: "+id] = struct{}{}
			}
		case strings.HasPrefix(id, "git://"):
			danger["fetch: git source "+id] = struct{}{}
		case id == "local://context":
		default:
			danger["source: reads "+id] = struct{}{}
		}
	}
	for _, m := range res.Mounts {
		switch m.Type {
		case "secret":
			danger["secret: mounts secret "+m.ID+" at "+m.Target] = struct{}{}
		case "ssh":
			danger["ssh: mounts the SSH agent at "+m.Target] = struct{}{}
		}
	}
	for n := range netModes {
		if n != "none" {
			danger["network: a RUN step gets network mode "+n] = struct{}{}
		}
	}
	for s := range secModes {
		if s != "sandbox" {
			danger["security: a RUN step runs "+s] = struct{}{}
		}
	}
	res.Dangerous = sorted(danger)
	return res
}

// walk reads every op of one target's LLB definition.
func walk(defs [][]byte, res *result, seenSrc, seenMount map[string]bool, netModes, secModes map[string]struct{}) {
	ops := map[string]*pb.Op{}
	for _, dt := range defs {
		var op pb.Op
		if err := op.Unmarshal(dt); err != nil {
			panic(err)
		}
		ops[string(digest.FromBytes(dt))] = &op
	}
	inputSource := func(op *pb.Op, idx int64) string {
		if idx < 0 || int(idx) >= len(op.Inputs) {
			return ""
		}
		in := ops[string(op.Inputs[idx].Digest)]
		if in == nil {
			return ""
		}
		if src := in.GetSource(); src != nil {
			return src.Identifier
		}
		return ""
	}
	for _, dt := range defs {
		var op pb.Op
		_ = op.Unmarshal(dt)
		if src := op.GetSource(); src != nil {
			key := src.Identifier + fmt.Sprint(src.Attrs)
			if !seenSrc[key] {
				seenSrc[key] = true
				res.Sources = append(res.Sources, sourceInfo{Identifier: src.Identifier, Attrs: src.Attrs})
				if img := strings.TrimPrefix(src.Identifier, "docker-image://"); img != src.Identifier && !contains(res.Images, img) {
					res.Images = append(res.Images, img)
				}
				if strings.HasPrefix(src.Identifier, "http") || strings.HasPrefix(src.Identifier, "git://") {
					if !contains(res.URLs, src.Identifier) {
						res.URLs = append(res.URLs, src.Identifier)
					}
				}
			}
		}
		if ex := op.GetExec(); ex != nil {
			netModes[strings.ToLower(ex.Network.String())] = struct{}{}
			secModes[strings.ToLower(ex.Security.String())] = struct{}{}
			for _, m := range ex.Mounts {
				mi := mountInfo{Type: strings.ToLower(m.MountType.String()), Target: m.Dest}
				switch m.MountType {
				case pb.MountType_SECRET:
					if m.SecretOpt != nil {
						mi.ID = m.SecretOpt.ID
					}
				case pb.MountType_SSH:
					if m.SSHOpt != nil {
						mi.ID = m.SSHOpt.ID
					}
				case pb.MountType_CACHE:
					if m.CacheOpt != nil {
						mi.ID = m.CacheOpt.ID
					}
				case pb.MountType_BIND:
					if m.Dest == "/" {
						continue // the step's own root filesystem
					}
				}
				mi.From = inputSource(&op, int64(m.Input))
				key := fmt.Sprintf("%+v", mi)
				if !seenMount[key] {
					seenMount[key] = true
					res.Mounts = append(res.Mounts, mi)
				}
			}
		}
	}
	// The exec network mode UNSET means the sandbox's own network: print it as such.
	if _, ok := netModes["unset"]; ok {
		delete(netModes, "unset")
		netModes["sandbox"] = struct{}{}
	}
}

func frontendAllowed(ref string, allowed []string) bool {
	if len(allowed) == 0 {
		return defaultFrontend.MatchString(ref)
	}
	return contains(allowed, ref)
}

func imageAllowed(img string, allowed []string) bool {
	n, err := normalizeImage(img)
	if err != nil {
		return false
	}
	for _, a := range allowed {
		if an, err := normalizeImage(a); err == nil && an == n {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func sorted(m map[string]struct{}) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func main() {
	var allowImages, allowURLs multi
	flag.Var(&allowImages, "allow-image", "an image the lab allows (repeatable); used when a request names none")
	flag.Var(&allowURLs, "allow-url", "a URL the lab allows in ADD (repeatable)")
	version := flag.Bool("version", false, "print the generation and BuildKit version")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: %s [--allow-image REF]... [Dockerfile]\n  with no file, reads JSON-line requests on stdin and answers one JSON line each\n", os.Args[0])
		flag.PrintDefaults()
	}
	flag.Parse()
	if *version {
		fmt.Printf("%s %s\n", generation, buildkitVersion)
		return
	}
	ctx := context.Background()
	fill := func(r *request) {
		if len(r.AllowedImages) == 0 {
			r.AllowedImages = allowImages
		}
		if len(r.AllowedURLs) == 0 {
			r.AllowedURLs = allowURLs
		}
	}
	if flag.NArg() == 1 {
		dt, err := os.ReadFile(flag.Arg(0))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		req := request{ID: flag.Arg(0), Dockerfile: string(dt)}
		fill(&req)
		out, _ := json.MarshalIndent(judge(ctx, req), "", "  ")
		fmt.Println(string(out))
		return
	}
	if flag.NArg() > 1 {
		flag.Usage()
		os.Exit(2)
	}
	// Requests are judged in parallel (BuildKit's conversion is CPU-bound) and answered in order.
	in := bufio.NewReader(os.Stdin)
	var reqs []request
	for {
		line, err := in.ReadBytes('\n')
		if len(strings.TrimSpace(string(line))) > 0 {
			var req request
			if jerr := json.Unmarshal(line, &req); jerr != nil {
				fmt.Fprintf(os.Stderr, "bad request line %d: %v\n", len(reqs)+1, jerr)
				os.Exit(2)
			}
			fill(&req)
			reqs = append(reqs, req)
		}
		if err != nil {
			break
		}
	}
	results := make([]result, len(reqs))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = judge(ctx, reqs[i])
			}
		}()
	}
	for i := range reqs {
		next <- i
	}
	close(next)
	wg.Wait()
	out := bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for _, r := range results {
		_ = enc.Encode(r)
	}
	out.Flush()
}

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }
