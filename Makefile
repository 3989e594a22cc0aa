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
DEMO_CONFIG ?= configs/ssd_dct/ssd300_dct-lcrfa-thinner-w025_1xb8-24e-cdaug_toy.py

.PHONY: install test demo benchmark clean-venv fuzz fuzz-build

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

# `make fuzz`: the libFuzzer harness over the reader's C core (clang, ASan +
# UBSan) for half of FUZZ_SECONDS, then the Python mutation fuzzer over the
# front end; findings land in build/fuzz/findings/. tools/fuzz/README.md.
FUZZ_SECONDS ?= 60
FUZZ_DIR ?= build/fuzz
FUZZ_CC ?= clang
FUZZ_CFLAGS ?= -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined
# Extra libFuzzer flags, e.g. FUZZ_ARGS='-jobs=2 -workers=2'.
FUZZ_ARGS ?=
FUZZ_HARNESS := $(FUZZ_DIR)/fuzz_reader

fuzz-build: $(FUZZ_HARNESS)

$(FUZZ_HARNESS): tools/fuzz/fuzz_reader.c dct_codec/jpegdct_core.c \
		dct_codec/jpegdct_core.h
	@command -v $(FUZZ_CC) >/dev/null 2>&1 || { \
	  echo "make fuzz needs clang with libFuzzer (FUZZ_CC=$(FUZZ_CC) not found)."; \
	  echo "Debian/Ubuntu: apt-get install clang libclang-rt-dev"; \
	  echo "(Debian 12: apt-get install clang libclang-rt-14-dev)"; exit 1; }
	mkdir -p $(FUZZ_DIR)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Idct_codec tools/fuzz/fuzz_reader.c \
		dct_codec/jpegdct_core.c -ljpeg -lm -o $@ || { \
	  echo "Could not build the harness. Without libFuzzer/ASan runtimes, install"; \
	  echo "the compiler-rt package that matches 'clang --version' (find it with"; \
	  echo "'apt-cache search libclang-rt'; Debian 12: libclang-rt-14-dev); the"; \
	  echo "libjpeg headers come with libjpeg-dev."; exit 1; }

fuzz: $(STAMP) $(FUZZ_HARNESS)
	rm -rf $(FUZZ_DIR)/seeds
	$(PY) tools/fuzz/make_seeds.py $(FUZZ_DIR)/seeds \
		--regressions tests/data/fuzz_regressions
	mkdir -p $(FUZZ_DIR)/corpus $(FUZZ_DIR)/findings/c
	c_seconds=$$(( $(FUZZ_SECONDS) / 2 )); [ $$c_seconds -ge 1 ] || c_seconds=1; \
	py_seconds=$$(( $(FUZZ_SECONDS) - c_seconds )); [ $$py_seconds -ge 1 ] || py_seconds=1; \
	c_status=0; py_status=0; \
	ASAN_OPTIONS=$${ASAN_OPTIONS:-quarantine_size_mb=64} \
	$(FUZZ_HARNESS) -max_total_time=$$c_seconds -timeout=20 \
		-rss_limit_mb=1024 -malloc_limit_mb=256 -print_final_stats=1 \
		-dict=tools/fuzz/jpeg.dict -artifact_prefix=$(FUZZ_DIR)/findings/c/ \
		$(FUZZ_ARGS) $(FUZZ_DIR)/corpus $(FUZZ_DIR)/seeds || c_status=$$?; \
	$(PY) tools/fuzz/fuzz_python.py --seconds $$py_seconds \
		--findings $(FUZZ_DIR)/findings/python || py_status=$$?; \
	echo "make fuzz: libFuzzer exit $$c_status, Python fuzzer exit $$py_status;" \
		"findings (if any) in $(FUZZ_DIR)/findings/"; \
	[ $$c_status -eq 0 ] && [ $$py_status -eq 0 ]
