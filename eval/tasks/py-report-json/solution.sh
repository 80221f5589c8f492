cat >> report/render.py <<'PY'


def as_json(rows):
    import json
    return json.dumps({
        "regions": [{"region": region, "orders": count, "revenue": round(revenue, 2)} for region, count, revenue in rows],
        "total_revenue": round(sum(r[2] for r in rows), 2),
    })
PY
python3 - <<'PY'
p = "report/__main__.py"
s = open(p).read()
s = s.replace('    parser.add_argument("orders")\n', '    parser.add_argument("orders")\n    parser.add_argument("--format", choices=["table", "json"], default="table")\n')
s = s.replace('    print(render.table(rows))', '    print(render.as_json(rows) if args.format == "json" else render.table(rows))')
open(p, "w").write(s)
PY
