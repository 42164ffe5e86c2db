"""The plan's data: the schema and field metadata (`schema`), the sources (`sources`), the
CSV checks (`validate`), reading and caching a data directory (`store`), one loader per
dataset (`loaders`) and the country boundaries (`boundaries`). Nothing here knows about
charts, notebooks or rendering."""
