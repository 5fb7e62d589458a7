# make coverage: which lines and branches of src/ the tests execute, and the
# lines none of them does, to show where a test is missing.
#
#   make coverage     build src/'s targets with COVERAGE=1 into build/coverage/,
#                     run the unit, library, integration and black-box tests
#                     (tests/run.sh coverage), print the totals for src/, and
#                     write build/coverage/report.txt: per file, line and
#                     branch coverage, then each unexecuted line with its text
#                     and the reason tests/coverage/unreached.txt gives
#
# A .gcda file adds up the counts of every run, so all of them are deleted
# before the tests: the report is of this run alone. The report is written
# even when a test fails, and then make fails. Only code the compiler emitted
# is counted: an inline function or template that nothing uses has no lines,
# executed or not. Branches the compiler adds for exceptions, and those on
# lines with no code of their own, are left out, so most branches are an if,
# a loop or a && of the source; a few are still the compiler's (a call to a
# [[noreturn]] function, a lambda's closing brace). gcov is gcc's own, so this
# is g++'s build only.

# Never `--txt /dev/null` to get the summary alone: gcovr replaces the file it
# writes, and /dev/null would become a regular file for every program after.
COVERAGE_GCOVR := gcovr --root . --filter 'src/'

.PHONY: coverage

ifneq ($(COVERAGE),1)
coverage:
	$(if $(findstring clang,$(CXX)),$(error make coverage: gcov reads g++'s counts only; run it without CXX=$(CXX)))
	+@$(MAKE) --no-print-directory COVERAGE=1 coverage
else
coverage: NEEDS += gcovr nginx
coverage: $(SRC_TARGETS) | needs
	@find $(BUILD) -name '*.gcda' -delete
	+@BUILD='$(BUILD)' FINAL='$(FINAL)' bash tests/run.sh coverage; status=$$?; \
	    echo; \
	    $(COVERAGE_GCOVR) --exclude-throw-branches --exclude-unreachable-branches \
	        --json $(BUILD)/coverage.json $(BUILD) && \
	    { $(COVERAGE_GCOVR) -a $(BUILD)/coverage.json --txt && echo && \
	      $(COVERAGE_GCOVR) -a $(BUILD)/coverage.json --txt --branches && echo && \
	      python3 tests/coverage/unexecuted.py $(BUILD)/coverage.json tests/coverage/unreached.txt; } > $(BUILD)/report.txt && \
	    $(COVERAGE_GCOVR) -a $(BUILD)/coverage.json --print-summary --txt $(BUILD)/summary.txt && \
	    grep -E '^(Lines no test executes|Stale reasons)' $(BUILD)/report.txt && \
	    echo "per file, and every line no test executes with the reason why: $(BUILD)/report.txt" || status=1; \
	    exit $$status
endif
