// The current generation: the BuildKit that Debian's newest docker.io vendors
// (as Debian unstable's golang-github-docker-docker-dev ships its source).
package main

import (
	"bytes"
	"context"

	"github.com/distribution/reference"
	"github.com/moby/buildkit/client/llb/sourceresolver"
	"github.com/moby/buildkit/frontend/dockerfile/dockerfile2llb"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/moby/buildkit/solver/pb"
	digest "github.com/opencontainers/go-digest"
)

const generation = "current"

// Set at link time by scripts/oracle-up.sh from moby's vendor.mod.
var buildkitVersion = "current"

// The frontend's own check (frontend/dockerfile/builder/build.go), made before parsing.
func detectSyntax(dt []byte) (string, string, bool) {
	ref, cmdline, _, ok := parser.DetectSyntax(dt)
	return ref, cmdline, ok
}

func parseStages(dt []byte) (rune, []stageInfo, error) {
	res, err := parser.Parse(bytes.NewReader(dt))
	if err != nil {
		return 0, nil, err
	}
	stages, _, err := instructions.Parse(res.AST, nil)
	if err != nil {
		return 0, nil, err
	}
	out := []stageInfo{}
	for _, s := range stages {
		line := 0
		if len(s.Location) > 0 {
			line = s.Location[0].Start.Line
		}
		out = append(out, stageInfo{Name: s.Name, From: s.BaseName, Line: line})
	}
	return res.EscapeToken, out, nil
}

func parseAST(dt []byte) ([]astInfo, string, error) {
	res, err := parser.Parse(bytes.NewReader(dt))
	if err != nil {
		return nil, "", err
	}
	out := []astInfo{}
	for _, n := range res.AST.Children {
		a := astInfo{Keyword: n.Value, Line: n.StartLine, EndLine: n.EndLine, Flags: n.Flags, Words: []string{}}
		for w := n.Next; w != nil; w = w.Next {
			a.Words = append(a.Words, w.Value)
		}
		out = append(out, a)
	}
	return out, res.AST.Dump(), nil
}

type resolverCurrent struct{ r *recorder }

func (r resolverCurrent) ResolveImageConfig(ctx context.Context, ref string, opt sourceresolver.Opt) (string, digest.Digest, []byte, error) {
	return ref, "", r.r.record(ref), nil
}

// As the engine asks for a build with networkmode none: every RUN gets no network unless it says otherwise.
func convert(ctx context.Context, dt []byte, target string, rec *recorder) ([][]byte, error) {
	caps := pb.Caps.CapSet(pb.Caps.All())
	st, _, _, _, err := dockerfile2llb.Dockerfile2LLB(ctx, dt, dockerfile2llb.ConvertOpt{
		Config:       dockerui.Config{Target: target, NetworkMode: pb.NetMode_NONE},
		MetaResolver: resolverCurrent{rec},
		LLBCaps:      &caps,
	})
	if err != nil {
		return nil, err
	}
	def, err := st.Marshal(ctx)
	if err != nil {
		return nil, err
	}
	return def.Def, nil
}

func normalizeImage(ref string) (string, error) {
	n, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		return "", err
	}
	return reference.TagNameOnly(n).String(), nil
}
