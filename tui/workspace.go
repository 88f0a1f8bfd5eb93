package tui

import (
	"errors"
	"fmt"
	"path/filepath"

	tea "github.com/charmbracelet/bubbletea"

	"pivsr/data"
	"pivsr/piv"
)

// Role says what a loaded field is for.
type Role int

// Roles of loaded fields.
const (
	RoleField   Role = iota // a field to look at (an input or a reconstruction)
	RoleCompare             // shown beside the first field, on a shared colour scale
	RoleTruth               // the ground truth metrics and error maps refer to
)

func (r Role) String() string {
	switch r {
	case RoleCompare:
		return "compare"
	case RoleTruth:
		return "truth"
	}
	return "field"
}

// Entry is one loaded file (or a field sent in by a message): its snapshots
// on one grid.
type Entry struct {
	ID     int // unique within a session; caches are keyed by it
	Name   string
	Path   string // "" for a field that did not come from a file
	Role   Role
	Frames []*piv.Field
	T      []float64
	Units  piv.Units
	Layout string

	masked []int8 // per frame: 0 unknown, 1 masked, 2 complete
}

// Frame is snapshot t, or the last one when the entry holds fewer (a single
// truth serves every frame of a series).
func (e *Entry) Frame(t int) *piv.Field {
	return e.Frames[max(0, min(t, len(e.Frames)-1))]
}

// Masked reports whether snapshot t misses vectors (a sparse or masked
// field). Frames never change once loaded, so the answer is remembered.
func (e *Entry) Masked(t int) bool {
	t = max(0, min(t, len(e.Frames)-1))
	if e.masked == nil {
		e.masked = make([]int8, len(e.Frames))
	}
	if e.masked[t] == 0 {
		f := e.Frames[t]
		e.masked[t] = 2
		if f.NumValid() < f.Len() {
			e.masked[t] = 1
		}
	}
	return e.masked[t] == 1
}

// valueKey names a computed scalar array: quantity q of an entry's frame, or
// its difference from entry minus (an error map) when minus >= 0.
type valueKey struct {
	entry, frame int
	q            Quantity
	minus        int
}

type valueResult struct {
	values []float64
	err    error
}

// Workspace holds the loaded entries and the arrays computed from them. It is
// owned by the program's Update: commands read entries (never mutated once
// loaded) and send results back as messages.
type Workspace struct {
	Entries []*Entry
	Load    data.LoadOptions
	nextID  int
	values  map[valueKey]valueResult
	pending map[valueKey]bool
}

func newWorkspace(opt data.LoadOptions) *Workspace {
	return &Workspace{Load: opt, values: map[valueKey]valueResult{}, pending: map[valueKey]bool{}}
}

// byID returns the entry with that ID, or nil.
func (ws *Workspace) byID(id int) *Entry {
	for _, e := range ws.Entries {
		if e.ID == id {
			return e
		}
	}
	return nil
}

// truth is the truth entry, or nil.
func (ws *Workspace) truth() *Entry {
	for _, e := range ws.Entries {
		if e.Role == RoleTruth {
			return e
		}
	}
	return nil
}

// reference is what e is compared with in error maps: the truth, else the
// first other entry; nil when there is none.
func (ws *Workspace) reference(e *Entry) *Entry {
	if t := ws.truth(); t != nil && t != e {
		return t
	}
	for _, o := range ws.Entries {
		if o != e {
			return o
		}
	}
	return nil
}

// partner is what e is shown beside in a comparison: the first comparison
// entry, else the reference.
func (ws *Workspace) partner(e *Entry) *Entry {
	for _, o := range ws.Entries {
		if o != e && o.Role == RoleCompare {
			return o
		}
	}
	return ws.reference(e)
}

// add puts e into the workspace, replacing an entry of the same name and
// role (a newer snapshot of a reconstruction, a file opened again), and
// returns it.
func (ws *Workspace) add(e *Entry) *Entry {
	ws.nextID++
	e.ID = ws.nextID
	for k, o := range ws.Entries {
		if o.Name == e.Name && o.Role == e.Role {
			ws.forget(o.ID)
			ws.Entries[k] = e
			return e
		}
	}
	ws.Entries = append(ws.Entries, e)
	return e
}

// replace drops every entry for the given ones.
func (ws *Workspace) replace(es []*Entry) {
	for _, o := range ws.Entries {
		ws.forget(o.ID)
	}
	ws.Entries = nil
	for _, e := range es {
		ws.add(e)
	}
}

// forget drops the arrays computed from entry id.
func (ws *Workspace) forget(id int) {
	for k := range ws.values {
		if k.entry == id || k.minus == id {
			delete(ws.values, k)
		}
	}
	for k := range ws.pending {
		if k.entry == id || k.minus == id {
			delete(ws.pending, k)
		}
	}
}

// get returns a computed array, and whether it is there.
func (ws *Workspace) get(k valueKey) (valueResult, bool) {
	r, ok := ws.values[k]
	return r, ok
}

// request returns a command computing k, or nil when it is known or on its
// way.
func (ws *Workspace) request(k valueKey) tea.Cmd {
	if _, ok := ws.values[k]; ok || ws.pending[k] {
		return nil
	}
	e := ws.byID(k.entry)
	if e == nil {
		return nil
	}
	f := e.Frame(k.frame)
	var ref *piv.Field
	if k.minus >= 0 {
		r := ws.byID(k.minus)
		if r == nil {
			return nil
		}
		ref = r.Frame(k.frame)
	}
	ws.pending[k] = true
	return func() tea.Msg {
		var v []float64
		var err error
		if ref != nil {
			v, err = k.q.Difference(f, ref)
		} else {
			v, err = k.q.Compute(nil, f)
		}
		return valuesMsg{key: k, values: v, err: err}
	}
}

// valuesMsg brings a computed array back to Update.
type valuesMsg struct {
	key    valueKey
	values []float64
	err    error
}

// store keeps a computed array; results for entries dropped meanwhile are
// discarded. It reports whether the array was kept.
func (ws *Workspace) store(m valuesMsg) bool {
	if !ws.pending[m.key] {
		return false
	}
	delete(ws.pending, m.key)
	ws.values[m.key] = valueResult{values: m.values, err: m.err}
	return true
}

// FileRequest is a file to open and the role it takes.
type FileRequest struct {
	Path string
	Role Role
}

// loadedMsg brings loaded files back to Update; replace says whether they
// replace the workspace or join it.
type loadedMsg struct {
	entries []*Entry
	replace bool
	err     error
}

// loadCmd reads files in a command.
func loadCmd(reqs []FileRequest, opt data.LoadOptions, replace bool) tea.Cmd {
	return func() tea.Msg {
		var es []*Entry
		for _, r := range reqs {
			e, err := loadEntry(r, opt)
			if err != nil {
				return loadedMsg{err: err}
			}
			es = append(es, e)
		}
		return loadedMsg{entries: es, replace: replace}
	}
}

// loadEntry reads one file into an entry; the workstation shows fields on a
// grid, so scattered vectors are refused with a pointer to what to do.
func loadEntry(r FileRequest, opt data.LoadOptions) (*Entry, error) {
	ds, err := data.Load(r.Path, opt)
	if err != nil {
		return nil, err
	}
	if !ds.IsGrid() {
		return nil, fmt.Errorf("%s: holds %d scattered vectors (%s); the workstation shows vectors on a grid", r.Path, ds.Points[0].Len(), ds.Layout)
	}
	for t, f := range ds.Fields {
		if err := f.Check(); err != nil {
			return nil, fmt.Errorf("%s: snapshot %d: %w", r.Path, t, err)
		}
	}
	return &Entry{Name: filepath.Base(r.Path), Path: r.Path, Role: r.Role, Frames: ds.Fields, T: ds.T, Units: ds.Units, Layout: ds.Layout}, nil
}

// errNoFields is shown where a view needs a loaded field.
var errNoFields = errors.New("no field loaded: press o to open a file")
