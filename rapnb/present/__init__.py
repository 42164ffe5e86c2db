"""What the notebooks show: charts (`charts`), maps (`maps/`), report tables and text
(`report`), number and text formatting (`formatting`), the look (`style`), the source lines
(`credits`), and how charts display in a kernel (`display`, `svg`). Reads data through
`rapnb.datasets` and `rapnb.derived`; knows nothing of rendering."""
