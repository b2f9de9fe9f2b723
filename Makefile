# The two commands of the project. Both do all set-up on a fresh clone first.
.PHONY: start test setup bench

start: setup
	node --import tsx src/stack.ts

test:
	bash scripts/test.sh

setup:
	bash scripts/setup.sh

bench: setup
	node --import tsx bench/run.ts
