#!/usr/bin/python3
"""Writes iris.csv, the worked example's table (docs/EXAMPLE.md), from the copy
of Fisher's Iris data that Debian's python3-sklearn ships, with the class
labels written as the species' names. Run once; the output is committed."""
import csv
import os

SRC = "/usr/lib/python3/dist-packages/sklearn/datasets/data/iris.csv"
HERE = os.path.dirname(os.path.abspath(__file__))

with open(SRC, newline="") as f:
    rows = list(csv.reader(f))
names = rows[0][2:]  # setosa, versicolor, virginica
with open(os.path.join(HERE, "iris.csv"), "w", newline="") as f:
    f.write("sepal_length,sepal_width,petal_length,petal_width,species\n")
    for r in rows[1:]:
        f.write(",".join(r[:4]) + "," + names[int(r[4])] + "\n")
