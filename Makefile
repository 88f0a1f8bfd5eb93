# Convenience targets; ./dev does the work (it also installs missing system packages).
.PHONY: build demo test bench
build:
	./dev build
demo:
	./dev demo
test:
	./dev test
bench:
	./dev bench
