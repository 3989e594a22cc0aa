# Two commands do all set-up: `make demo` and `make test`.
# Each creates .venv if missing, installs the pinned stack once (re-installs only
# when setup.py or requirements/ change), then runs.
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
TORCH_SPEC ?= torch==2.13.0
STAMP := $(VENV)/.dct_mmdet-installed
DEMO_DIR ?= work_dirs/demo
DEMO_CONFIG ?= configs/ssd_dct/ssd300_dct-lcrfa-thinner-w025_1xb8-24e_toy.py

.PHONY: install test demo benchmark clean-venv

install: $(STAMP)

$(STAMP): setup.py requirements/runtime.txt requirements/tests.txt \
		dct_codec/_jpegdct.c dct_codec/jpegdct_core.c dct_codec/jpegdct_core.h
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	# setuptools<81 keeps pkg_resources, which mmcv's setup.py and mmengine
	# import; it is repeated with torch, which asks for setuptools>=77.
	$(PIP) install -q "setuptools>=77.0.3,<81" wheel ninja psutil
	$(PIP) install -q $(TORCH_SPEC) "setuptools<81"
	# mmcv 2.1.0 with compiled ops: a wheel from PIP_FIND_LINKS if one matches,
	# otherwise a source build against the installed torch (~40 min on 2 cores).
	MMCV_WITH_OPS=1 $(PIP) install --no-build-isolation mmcv==2.1.0
	$(PIP) install -q --no-build-isolation -e ".[tests]"
	$(PY) -m dct_mmdet.check_env
	touch $(STAMP)

test: $(STAMP)
	$(PY) -m pytest tests

demo: $(STAMP)
	$(PY) tools/misc/make_toy_dataset.py data/toy
	# --resume: continue an interrupted run, or skip training when done.
	$(PY) tools/train.py $(DEMO_CONFIG) --work-dir $(DEMO_DIR) --resume
	$(PY) tools/test.py $(DEMO_CONFIG) "$$(cat $(DEMO_DIR)/last_checkpoint)" \
		--work-dir $(DEMO_DIR)/test
	$(PY) demo/image_demo.py $(DEMO_CONFIG) \
		"$$(cat $(DEMO_DIR)/last_checkpoint)" data/toy/val/val_0006.jpg \
		--out-dir $(DEMO_DIR)

benchmark: $(STAMP)
	$(PY) tools/misc/make_toy_dataset.py data/toy
	$(PY) tools/analysis_tools/benchmark_reader.py data/toy/train

clean-venv:
	rm -rf $(VENV)
