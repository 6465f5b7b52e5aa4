/*
 * sample.c: watching a run over time.
 *
 * uvmsim_tick() is called by the Lua module between chunks of work (a
 * fill or verify walks memory in chunks, so long operations tick too).
 * At most every SAMPLE_MS it appends a row of counters to the --stats
 * CSV and, when stderr is a terminal, redraws one progress line: free,
 * active, inactive, wired and swap pages and faults per second.  When
 * stderr is not a terminal nothing is drawn.
 *
 * --plot FILE.png keeps the samples in a CSV (the --stats file, or a
 * temporary one) and hands it to gnuplot at the end: memory gauges in
 * pages on top, fault and swap rates below (over windows of several
 * samples), against seconds of run time.
 *
 * Locking: sample_lock guards S and the progress line.  uvmsim_tick()
 * is called from any thread, inside or outside the interpreter lock
 * (the fill and verify loops of uvm.run's threads run outside it); it
 * only tries the lock, so ticking threads never wait for each other.
 */

#include <uvm/uvm.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "uvmsim.h"

#define SAMPLE_MS	5	/* CSV rows at most this often */
#define PROGRESS_MS	200	/* progress line redraws */

static struct {
	FILE		*csv;
	char		*csvpath;
	char		*pngpath;
	bool		csvtemp;	/* csvpath is ours to remove */
	bool		tty;
	bool		drawn;		/* a progress line is on screen */
	double		t0, tlast, tdraw;
	int		faults_last, faults_draw;
	int		nsamples;
} S;

static pthread_mutex_t sample_lock = PTHREAD_MUTEX_INITIALIZER;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
uvmsim_sample_open(const char *csvpath, const char *pngpath)
{
	memset(&S, 0, sizeof(S));
	S.t0 = S.tlast = S.tdraw = now();
	S.tty = isatty(STDERR_FILENO);
	if (pngpath != NULL) {
		S.pngpath = strdup(pngpath);
		if (csvpath == NULL) {
			char tmpl[] = "/tmp/uvmsim-stats-XXXXXX";
			int fd = mkstemp(tmpl);

			if (fd < 0) {
				fprintf(stderr, "uvmsim: --plot: cannot create a"
				    " temporary file: %s\n", strerror(errno));
				return -1;
			}
			close(fd);
			S.csvtemp = true;
			S.csvpath = strdup(tmpl);
		}
	}
	if (csvpath != NULL && S.csvpath == NULL)
		S.csvpath = strdup(csvpath);
	if (S.csvpath != NULL) {
		S.csv = fopen(S.csvpath, "w");
		if (S.csv == NULL) {
			fprintf(stderr, "uvmsim: --stats: cannot write %s: %s\n",
			    S.csvpath, strerror(errno));
			return -1;
		}
		fprintf(S.csv, "time,free,active,inactive,wired,swpginuse,"
		    "anonpages,filepages,faults,flt_acow,flt_przero,flt_anon,"
		    "flt_obj,pgswapin,pgswapout,pdfreed,pdscans,forks,"
		    "fault_rate,cow_rate,pgin_rate,pgout_rate\n");
	}
	return 0;
}

static int last_cow, last_pgin, last_pgout;

static double
rate(int now, int *last, double dt)
{
	double r = S.nsamples > 0 && dt > 0 ? (now - *last) / dt : 0;

	*last = now;
	return r;
}

static void
sample_row(double t)
{
	double dt = t - S.tlast;

	if (S.csv == NULL)
		return;
	fprintf(S.csv, "%.4f,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,"
	    "%d,%d,", t - S.t0, uvmexp.free, uvmexp.active,
	    uvmexp.inactive, uvmexp.wired, uvmexp.swpginuse, uvmexp.anonpages,
	    uvmexp.filepages, uvmexp.faults, uvmexp.flt_acow,
	    uvmexp.flt_przero, uvmexp.flt_anon, uvmexp.flt_obj,
	    uvmexp.pgswapin, uvmexp.pgswapout, uvmexp.pdfreed, uvmexp.pdscans,
	    uvmexp.forks);
	fprintf(S.csv, "%.0f,", rate(uvmexp.faults, &S.faults_last, dt));
	fprintf(S.csv, "%.0f,", rate(uvmexp.flt_acow + uvmexp.flt_prcopy,
	    &last_cow, dt));
	fprintf(S.csv, "%.0f,", rate(uvmexp.pgswapin, &last_pgin, dt));
	fprintf(S.csv, "%.0f\n", rate(uvmexp.pgswapout, &last_pgout, dt));
	S.tlast = t;
	S.nsamples++;
}

static void
progress(double t)
{
	double dt = t - S.tdraw;

	fflush(stdout);
	fprintf(stderr, "\r%5.1fs free %d act %d inact %d wired %d swap %d/%d"
	    " %.0f flt/s\033[K", t - S.t0, uvmexp.free, uvmexp.active,
	    uvmexp.inactive, uvmexp.wired, uvmexp.swpginuse, uvmexp.swpages,
	    dt > 0 ? (uvmexp.faults - S.faults_draw) / dt : 0.0);
	fflush(stderr);
	S.faults_draw = uvmexp.faults;
	S.tdraw = t;
	S.drawn = true;
}

static void
progress_clear_locked(void)
{
	if (!S.drawn)
		return;
	fprintf(stderr, "\r\033[K");
	fflush(stderr);
	S.drawn = false;
}

void
uvmsim_progress_clear(void)
{
	pthread_mutex_lock(&sample_lock);
	progress_clear_locked();
	pthread_mutex_unlock(&sample_lock);
}

void
uvmsim_tick(void)
{
	double t;

	if (pthread_mutex_trylock(&sample_lock) != 0)
		return;		/* another thread is sampling right now */
	if (S.csv != NULL || S.tty) {
		t = now();
		if (S.csv != NULL && (t - S.tlast) * 1000 >= SAMPLE_MS)
			sample_row(t);
		if (S.tty && (t - S.tdraw) * 1000 >= PROGRESS_MS)
			progress(t);
	}
	pthread_mutex_unlock(&sample_lock);
}

void
uvmsim_sample_now(void)
{
	pthread_mutex_lock(&sample_lock);
	sample_row(now());
	pthread_mutex_unlock(&sample_lock);
}

/*
 * The rates are drawn from the cumulative counters over windows of
 * `stride' samples (about PLOT_POINTS points in all), not from the CSV's
 * per-sample rates, which swing wildly from one 5 ms sample to the next.
 */
#define PLOT_POINTS	60

static int
plot(void)
{
	int stride = S.nsamples / PLOT_POINTS > 1 ?
	    S.nsamples / PLOT_POINTS : 1;
	double window = S.nsamples > 0 ?
	    (S.tlast - S.t0) * 1000 * stride / S.nsamples : 0;
	FILE *gp;
	int st;

	gp = popen("gnuplot", "w");
	if (gp == NULL) {
		fprintf(stderr, "uvmsim: --plot: cannot run gnuplot\n");
		return -1;
	}
	fprintf(gp,
	    "set terminal pngcairo size 1100,800 font 'sans,11'\n"
	    "set output '%s'\n"
	    "set datafile separator ','\n"
	    "set key autotitle columnhead outside right top\n"
	    "set grid\n"
	    "set lmargin at screen 0.10\n"
	    "set rmargin at screen 0.76\n"
	    /* rate of a cumulative column since the previous point */
	    "t1 = t2 = t3 = t4 = 1e30\n"
	    "r1(t, y) = (d = t > t1 ? (y - y1) / (t - t1) : NaN,"
	    " t1 = t, y1 = y, d)\n"
	    "r2(t, y) = (d = t > t2 ? (y - y2) / (t - t2) : NaN,"
	    " t2 = t, y2 = y, d)\n"
	    "r3(t, y) = (d = t > t3 ? (y - y3) / (t - t3) : NaN,"
	    " t3 = t, y3 = y, d)\n"
	    "r4(t, y) = (d = t > t4 ? (y - y4) / (t - t4) : NaN,"
	    " t4 = t, y4 = y, d)\n"
	    "set multiplot layout 2,1 title 'uvmsim: %d pages of %d bytes'\n"
	    "set title 'memory (pages)'\n"
	    "set xlabel 'seconds'\n"
	    "set ylabel 'pages'\n"
	    "set yrange [0:*]\n"
	    "plot '%s' using 1:2 with lines lw 2 title 'free', "
	    "'' using 1:3 with lines lw 2 title 'active', "
	    "'' using 1:4 with lines lw 2 title 'inactive', "
	    "'' using 1:5 with lines lw 2 title 'wired', "
	    "'' using 1:6 with lines lw 2 title 'swap in use'\n"
	    "set title 'fault and paging rates (%.0f ms windows)'\n"
	    "set ylabel 'per second'\n"
	    "plot '%s' every %d using 1:(r1($1, $9)) with lines lw 2"
	    " title 'faults', "
	    "'' every %d using 1:(r2($1, $10)) with lines lw 2"
	    " title 'copy-on-write faults', "
	    "'' every %d using 1:(r3($1, $14)) with lines lw 2"
	    " title 'pages swapped in', "
	    "'' every %d using 1:(r4($1, $15)) with lines lw 2"
	    " title 'pages swapped out'\n"
	    "unset multiplot\n",
	    S.pngpath, uvmexp.npages, uvmexp.pagesize, S.csvpath,
	    window, S.csvpath, stride, stride, stride, stride);
	st = pclose(gp);
	if (st != 0) {
		fprintf(stderr, "uvmsim: --plot: gnuplot failed (status %d)\n",
		    WIFEXITED(st) ? WEXITSTATUS(st) : st);
		return -1;
	}
	return 0;
}

int
uvmsim_sample_close(void)
{
	int rv = 0;

	uvmsim_progress_clear();	/* every thread is gone */
	if (S.csv != NULL) {
		sample_row(now());
		if (fclose(S.csv) != 0)
			rv = -1;
		S.csv = NULL;
		if (S.pngpath != NULL && plot() != 0)
			rv = -1;
	}
	if (S.csvtemp)
		unlink(S.csvpath);
	free(S.csvpath);
	free(S.pngpath);
	memset(&S, 0, sizeof(S));
	return rv;
}
