# telemetry-netpol: `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
CLI := npx --no-install telemetry-netpol

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

.PHONY: help
help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

.PHONY: generate
generate: node_modules/.package-lock.json ## write every generated file: chart templates, values, schema, README tables and diagram, Kubernetes schema data
	$(CLI) generate

.PHONY: check-generated
check-generated: node_modules/.package-lock.json ## fail when a committed generated file differs from its generator
	$(CLI) generate --check

.PHONY: verify
verify: node_modules/.package-lock.json check-generated ## the main job: lint, render and verify the defaults, every landscape and every permutation
	$(CLI) landscapes
	$(CLI) fuzz --cases 300 --helm-sample 40 --known test/prove/regressions
	$(CLI) permutations --helm both --report reports/permutations.json

.PHONY: test
test: node_modules/.package-lock.json ## type-check, then run the unit and integration tests
	npx --no-install tsc --noEmit -p .
	npx --no-install tap

.PHONY: bench
bench: node_modules/.package-lock.json ## measure the permutation pipeline against one helm process per permutation (medians, ratio)
	$(CLI) bench

.PHONY: goldens
goldens: node_modules/.package-lock.json ## rewrite the golden renders after an intended change (review the diff)
	UPDATE_GOLDENS=1 npx --no-install tap test/chart/golden.test.ts

.PHONY: fuzz
fuzz: node_modules/.package-lock.json ## fuzz 10,000 values files against Helm 3 and Helm 4: rejected naming the key, or rendered and proven
	$(CLI) fuzz --cases 10000 --helm-sample 500 --known test/prove/regressions --report reports/fuzz.json

.PHONY: mutate
mutate: node_modules/.package-lock.json ## mutate every landscape's rendered policies; kill rate per mutation kind, equivalence of survivors
	$(CLI) mutate --cli-sample --report reports/mutate.json

.PHONY: mutation-score
mutation-score: node_modules/.package-lock.json ## StrykerJS over tools/analyze and tools/validate (incremental; reports/mutation/*.html)
	STRYKER_SCOPE=analyze npx --no-install stryker run tools/prove/stryker.config.mjs
	STRYKER_SCOPE=validate npx --no-install stryker run tools/prove/stryker.config.mjs
