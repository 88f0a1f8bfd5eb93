package tui

// paneID names a panel of the workstation.
type paneID int

const (
	paneField paneID = iota
	paneMetrics
	paneTraining
	paneTransport
	paneFlows
	paneFiles
	numPanes
)

func (p paneID) title() string {
	switch p {
	case paneField:
		return "Field"
	case paneMetrics:
		return "Metrics"
	case paneTraining:
		return "Training"
	case paneTransport:
		return "Transport"
	case paneFlows:
		return "Flows"
	case paneFiles:
		return "Files"
	}
	return "?"
}

// splitWidth is the terminal width from which the field and a side panel
// (metrics, training, transport or flows) are shown side by side instead of one at
// a time.
const splitWidth = 160

// rect is a panel's place on screen.
type rect struct{ x, y, w, h int }

func (r rect) contains(x, y int) bool {
	return x >= r.x && x < r.x+r.w && y >= r.y && y < r.y+r.h
}

// paneManager owns which panels exist, which has the focus and where each
// is drawn. Panels never size themselves: the manager gives each its rect.
type paneManager struct {
	present [numPanes]bool
	focus   paneID
	// side is the panel shown beside the field in a split: the side panel
	// that last had the focus.
	side paneID
	// body is the screen area below the header and above the status and help
	// lines.
	body rect
}

func newPaneManager() paneManager {
	pm := paneManager{side: paneMetrics}
	for _, id := range []paneID{paneField, paneMetrics, paneTraining, paneTransport, paneFlows} {
		pm.present[id] = true
	}
	return pm
}

// order lists the present panels in tab order.
func (pm *paneManager) order() []paneID {
	var ids []paneID
	for id := paneID(0); id < numPanes; id++ {
		if pm.present[id] {
			ids = append(ids, id)
		}
	}
	return ids
}

// cycle moves the focus to the next (d = 1) or previous (d = -1) panel.
func (pm *paneManager) cycle(d int) {
	ids := pm.order()
	defer pm.follow()
	for k, id := range ids {
		if id == pm.focus {
			pm.focus = ids[(k+d+len(ids))%len(ids)]
			return
		}
	}
	if len(ids) > 0 {
		pm.focus = ids[0]
	}
}

// isSide reports whether a panel goes beside the field in a split.
func isSide(id paneID) bool {
	return id == paneMetrics || id == paneTraining || id == paneTransport || id == paneFlows
}

// follow makes a focused side panel the one shown beside the field.
func (pm *paneManager) follow() {
	if isSide(pm.focus) {
		pm.side = pm.focus
	}
}

// show adds a panel and gives it the focus.
func (pm *paneManager) show(id paneID) {
	pm.present[id] = true
	pm.focus = id
	pm.follow()
}

// split reports whether the field and a side panel share the screen.
func (pm *paneManager) split() bool {
	return pm.body.w >= splitWidth && pm.focus != paneFiles
}

// rects places the visible panels in the body; a panel not visible has no
// rect. In a split the field takes about three fifths of the width, the
// side panel the rest, one column between them.
func (pm *paneManager) rects() map[paneID]rect {
	b := pm.body
	if pm.split() {
		lw := b.w * 3 / 5
		return map[paneID]rect{
			paneField: {b.x, b.y, lw, b.h},
			pm.side:   {b.x + lw + 1, b.y, b.w - lw - 1, b.h},
		}
	}
	return map[paneID]rect{pm.focus: b}
}
