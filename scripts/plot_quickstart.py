#!/usr/bin/env python3
"""Draws the quick start's figure: mean gap ratio <r> against disorder W for the
random-field Heisenberg chain, with the GOE and Poisson values.

usage: plot_quickstart.py [TABLE] [PNG]   (defaults: outputs/quickstart_gap_ratio.{tsv,png})
"""
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

table = sys.argv[1] if len(sys.argv) > 1 else "outputs/quickstart_gap_ratio.tsv"
png = sys.argv[2] if len(sys.argv) > 2 else table.rsplit(".", 1)[0] + ".png"
header = open(table).readline().lstrip("# ").strip()
W, r, se = np.loadtxt(table, unpack=True)

fig, ax = plt.subplots(figsize=(5, 3.6))
ax.errorbar(W, r, yerr=se, fmt="o-", capsize=3, label="qbath, dense ED")
ax.axhline(0.5307, ls="--", c="C1", label="GOE 0.5307")
ax.axhline(2 * np.log(2) - 1, ls=":", c="C2", label="Poisson 0.3863")
ax.set_xlabel("disorder W")
ax.set_ylabel(r"mean gap ratio $\langle r\rangle$")
ax.set_title("random-field Heisenberg chain (" + header + ")", fontsize=8)
ax.legend(fontsize=8)
fig.tight_layout()
fig.savefig(png, dpi=120)
print("wrote", png)
