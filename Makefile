# The two commands a newcomer needs: `make run` and `make test`.
.PHONY: run test lint format migrate demo worker clean-web

DEMO ?= 0
QUEUES ?= gpu,cpu,ops
WORKERS ?= 2
PERIODIC ?= 0

run:  ## install what is missing, migrate, start web app + worker (DEMO=1 loads demo data)
	@DEMO=$(DEMO) ./scripts/run.sh

test:  ## install test dependencies and run the whole suite
	@./scripts/test.sh $(ARGS)

lint:
	@./scripts/ensure_tools.sh --dev && .venv/bin/ruff check . && .venv/bin/ruff format --check .

format:
	@.venv/bin/ruff format . && .venv/bin/ruff check --fix .

migrate:
	@./scripts/ensure_tools.sh && .venv/bin/python -m backend.cli migrate

demo:
	@./scripts/ensure_tools.sh && .venv/bin/python -m backend.cli migrate && .venv/bin/python -m backend.cli demo

worker:  ## consumers of QUEUES (gpu,cpu,ops) on this host; PERIODIC=1 on exactly one ops host
	@.venv/bin/python -m workers.consumer --queues $(QUEUES) --workers $(WORKERS) \
		$(if $(filter 1,$(PERIODIC)),,--no-periodic)

clean-web:  ## drop Reflex's generated frontend (rebuilt on the next run)
	rm -rf .web
