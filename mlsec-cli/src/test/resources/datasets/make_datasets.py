"""Writes the four data sets of the any-data acceptance suite (issue 16).

Three come from scikit-learn's bundled data sets (made with Debian's python3-sklearn 1.2.1; the data ship inside
scikit-learn, no download): breast_cancer.csv (569 rows, binary), wine.csv (178 rows, 3 classes), iris.csv (150 rows,
3 classes). Labels are written as the data sets' own class names, so the suite also covers text labels. The fourth,
mixed.csv, is generated here with a fixed seed: 5,000 loan applications with text categories, integer and real
columns, missing values (empty cells) and a label that depends on several columns.

Run from this folder:  /usr/bin/python3 make_datasets.py
"""
import csv

import numpy as np
from sklearn import datasets


def write_bundled(name, loader, label):
    d = loader()
    names = list(d.target_names)
    with open(name, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(list(d.feature_names) + [label])
        for row, t in zip(d.data, d.target):
            w.writerow([repr(float(v)) for v in row] + [names[t]])


def write_mixed(name, rows=5000, seed=7):
    rng = np.random.default_rng(seed)
    cities = ["Kampala", "Lagos", "Nairobi", "Accra", "Kigali", "Dakar"]
    jobs = ["salaried", "self-employed", "student", "retired"]
    with open(name, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["age", "income", "city", "employment", "years_at_address", "debt_ratio", "approved"])
        for _ in range(rows):
            age = int(rng.integers(18, 80))
            job = jobs[rng.choice(4, p=[0.55, 0.2, 0.15, 0.1])]
            income = float(np.round(rng.lognormal(7.5 if job != "student" else 6.5, 0.6), 2))
            city = cities[rng.integers(0, len(cities))]
            years = int(min(age - 18, rng.poisson(5)))
            debt = float(np.round(rng.beta(2, 5), 4))
            score = 0.004 * income ** 0.5 * 10 - 3.0 * debt + 0.02 * (age - 40) + (0.4 if job == "salaried" else 0.0) \
                + (0.3 if city in ("Nairobi", "Kigali") else 0.0) + 0.05 * years + rng.normal(0, 0.7)
            label = "yes" if score > 0.9 else "no"
            cells = [age, income, city, job, years, debt]
            for k in range(len(cells)):
                if rng.random() < 0.02:
                    cells[k] = ""
            w.writerow(cells + [label])


write_bundled("breast_cancer.csv", datasets.load_breast_cancer, "diagnosis")
write_bundled("wine.csv", datasets.load_wine, "cultivar")
write_bundled("iris.csv", datasets.load_iris, "species")
write_mixed("mixed.csv")
