"""Numbers derived from the datasets, no presentation: the funding table with its computed
and stated totals (`funding`), what a sheet covers (`sheets`), Figure 1's stocks (`stocks`),
the permits in long form (`permits`), and where the plan disagrees with itself
(`reconcile`), the plan's headline numbers (`headline`)."""
