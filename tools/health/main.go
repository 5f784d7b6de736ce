// Command health evaluates a CrossAccountAccess object the way GitOps tools do, with their own
// engines: the Argo CD health check in Lua (gopher-lua, the interpreter Argo CD embeds, with the
// object as the global `obj`) and Flux/kstatus (sigs.k8s.io/cli-utils/pkg/kstatus, which Flux's
// kustomize-controller and `kubectl wait`-style tools use). The tests run it on objects the
// operator wrote to a real API server.
//
// Usage: health -lua argocd-health.lua < object.json
// Output: {"argocd":{"status":"Healthy","message":"..."},"kstatus":{"status":"Current","message":"..."}}
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	lua "github.com/yuin/gopher-lua"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

type verdict struct {
	Status  string `json:"status"`
	Message string `json:"message"`
}

func main() {
	script := flag.String("lua", "", "Argo CD health check script")
	flag.Parse()
	raw, err := io.ReadAll(os.Stdin)
	must(err)
	// Decoded as the API machinery does (integers stay int64), as both tools see objects.
	u := &unstructured.Unstructured{}
	must(u.UnmarshalJSON(raw))
	obj := u.Object

	out := map[string]verdict{}
	if *script != "" {
		v, err := argocd(*script, obj)
		must(err)
		out["argocd"] = v
	}
	res, err := status.Compute(u)
	must(err)
	out["kstatus"] = verdict{Status: res.Status.String(), Message: res.Message}
	must(json.NewEncoder(os.Stdout).Encode(out))
}

// argocd runs the health script as Argo CD does: a fresh state with the safe standard libraries,
// the object in the global `obj`, and a returned table with `status` and `message`.
func argocd(script string, obj map[string]interface{}) (verdict, error) {
	l := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer l.Close()
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{
		{lua.LoadLibName, lua.OpenPackage},
		{lua.BaseLibName, lua.OpenBase},
		{lua.TabLibName, lua.OpenTable},
		{lua.StringLibName, lua.OpenString},
		{lua.MathLibName, lua.OpenMath},
	} {
		l.Push(l.NewFunction(lib.open))
		l.Push(lua.LString(lib.name))
		l.Call(1, 0)
	}
	l.SetGlobal("obj", toLua(l, obj))
	if err := l.DoFile(script); err != nil {
		return verdict{}, err
	}
	ret, ok := l.Get(-1).(*lua.LTable)
	if !ok {
		return verdict{}, fmt.Errorf("the script returned %s, not a table", l.Get(-1).Type())
	}
	return verdict{
		Status:  lua.LVAsString(ret.RawGetString("status")),
		Message: lua.LVAsString(ret.RawGetString("message")),
	}, nil
}

func toLua(l *lua.LState, v interface{}) lua.LValue {
	switch t := v.(type) {
	case nil:
		return lua.LNil
	case bool:
		return lua.LBool(t)
	case int64:
		return lua.LNumber(t)
	case float64:
		return lua.LNumber(t)
	case string:
		return lua.LString(t)
	case []interface{}:
		tbl := l.NewTable()
		for _, e := range t {
			tbl.Append(toLua(l, e))
		}
		return tbl
	case map[string]interface{}:
		tbl := l.NewTable()
		for k, e := range t {
			tbl.RawSetString(k, toLua(l, e))
		}
		return tbl
	default:
		panic(fmt.Sprintf("unexpected JSON value %T", v))
	}
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "health:", err)
		os.Exit(1)
	}
}
