"""A talk-shaped scoring API: Flask + scikit-learn, as a team would run it (PyCon Africa 2020, "Security in ML").

POST /predict with a JSON list of records ([{"col": value, ...}, ...]) answers
{"prediction": [label, ...], "probability": [[p_class0, p_class1, ...], ...]}; GET /health answers "ok".
The model is a scikit-learn random forest trained at start on the numeric columns of --data (--trees, --max-depth,
--min-leaf: the talk's small forest is 5 trees of depth 3 with leaves of at least 100 rows).

Run:  /usr/bin/python3 talk_api.py --data F.csv --label L --port P   (Debian's python3-flask and python3-sklearn)
"""
import argparse
import csv

from flask import Flask, jsonify, request
from sklearn.ensemble import RandomForestClassifier

parser = argparse.ArgumentParser()
parser.add_argument("--data", required=True)
parser.add_argument("--label", required=True)
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--trees", type=int, default=20)
parser.add_argument("--max-depth", type=int, default=None)
parser.add_argument("--min-leaf", type=int, default=1)
args = parser.parse_args()

with open(args.data, newline="") as f:
    rows = list(csv.DictReader(f))
features = [c for c in rows[0].keys() if c != args.label]
X = [[float(r[c]) for c in features] for r in rows]
y = [r[args.label] for r in rows]
model = RandomForestClassifier(n_estimators=args.trees, max_depth=args.max_depth, min_samples_leaf=args.min_leaf,
                               random_state=0).fit(X, y)

app = Flask(__name__)


@app.route("/health")
def health():
    return "ok"


@app.route("/predict", methods=["POST"])
def predict():
    records = request.get_json(force=True)
    if isinstance(records, dict):
        records = [records]
    try:
        x = [[float(rec[c]) for c in features] for rec in records]
    except (KeyError, TypeError, ValueError) as e:
        return jsonify({"error": "bad record: " + str(e)}), 422
    return jsonify({"prediction": [str(p) for p in model.predict(x)],
                    "probability": model.predict_proba(x).tolist()})


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=args.port, threaded=True)
