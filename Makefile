# A thin wrapper over build.sh (Meson + Ninja underneath).
.PHONY: run test bench clean
run:
	./build.sh run
test:
	./build.sh test
bench:
	./build.sh bench
clean:
	rm -rf build build-test build-bench
