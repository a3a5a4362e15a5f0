#!/usr/bin/env python3
"""Makes the 500-tree models of the load benchmark and times loading them in Python (the peer figures).

Usage: model_load.py DATA.csv OUTDIR
Writes OUTDIR/xgb-500.json (XGBoost 1.7, binary:logistic, 500 rounds, depth 6) and OUTDIR/rf-500.pkl (scikit-learn
RandomForestClassifier, 500 trees, max_depth 12, protocol 4), both trained on DATA.csv (label DEFAULT, ID dropped),
then prints, per file: size, median load time of 3 and the peak Python heap while loading (tracemalloc) plus the
process's peak RSS. Run with Debian's /usr/bin/python3 (python3-sklearn, python3-xgboost, python3-pandas).
"""
import os
import pickle
import resource
import sys
import time
import tracemalloc

import pandas as pd


def main():
    data, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    df = pd.read_csv(data)
    y = df["DEFAULT"].values
    x = df.drop(columns=["ID", "DEFAULT"])
    xgb_path = os.path.join(out, "xgb-500.json")
    rf_path = os.path.join(out, "rf-500.pkl")
    if not os.path.exists(xgb_path):
        import xgboost
        m = xgboost.XGBClassifier(n_estimators=500, max_depth=6, learning_rate=0.05, random_state=1, n_jobs=2)
        m.fit(x, y)
        m.get_booster().save_model(xgb_path)
    if not os.path.exists(rf_path):
        from sklearn.ensemble import RandomForestClassifier
        m = RandomForestClassifier(n_estimators=500, max_depth=12, random_state=1, n_jobs=2).fit(x, y)
        with open(rf_path, "wb") as f:
            pickle.dump(m, f, protocol=4)

    def xgb_load():
        import xgboost
        b = xgboost.Booster()
        b.load_model(xgb_path)
        return b

    def rf_load():
        with open(rf_path, "rb") as f:
            return pickle.load(f)

    for name, path, load in (("XGBoost JSON", xgb_path, xgb_load), ("scikit-learn pickle", rf_path, rf_load)):
        load()  # warm-up: imports and page cache
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            load()
            times.append(time.perf_counter() - t0)
        tracemalloc.start()
        keep = load()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        del keep
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"python {name}: {os.path.getsize(path) / 1e6:.1f} MB, load {sorted(times)[1]:.3f} s,"
              f" heap peak {peak / 1e6:.0f} MB (Python objects; native memory not counted), process peak RSS {rss:.0f} MB")


if __name__ == "__main__":
    main()
