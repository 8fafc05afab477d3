"""`evidence report`: compute the report once (`model.build_report`), render it many ways.

Renderers: `text` (terminal), `markdown` (review memo), `html` (one self-contained file with
inline SVG charts from `charts`), and JSON via `model.to_json` (shape: `schema.json`).
"""
