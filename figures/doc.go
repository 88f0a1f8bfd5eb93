// Package figures draws pivsr's results as PNG images with gonum/plot:
// log-log spectra and structure functions, loss curves, and (through the
// terminal UI's export) field heatmaps. Figures are written atomically.
//
// A worked example: the energy spectra of a truth and a reconstruction.
//
//	et, _ := piv.EnergySpectrum(nil, truth)
//	er, _ := piv.EnergySpectrum(nil, recon)
//	err := figures.LogLog("spectra.png", "Energy spectrum", "k", "E(k)",
//		figures.Spectrum("truth", et), figures.Spectrum("mfn", er))
package figures
