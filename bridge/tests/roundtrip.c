/*
 * planten's bridge test: round-trips 9P messages and directory entries
 * through convS2M/convM2S and convD2M/convM2D with 9front's C interface,
 * and checks bytes laid out by hand from intro(5). Returns the number
 * of failed checks (0: all passed) from bridge_c_test().
 */
#include <stdio.h>
#include <string.h>
#include "fcall.h"

static int fails;

#define check(c) do { if(!(c)){ fprintf(stderr, "roundtrip.c:%d: check failed: %s\n", __LINE__, #c); fails++; } } while(0)

static uchar buf[8192];
static uchar buf2[8192];

/* Encodes f, decodes it into g; returns the size. */
static uint
roundtrip(Fcall *f, Fcall *g)
{
	uint n, m;

	n = convS2M(f, buf, sizeof buf);
	check(n > 0);
	check(n == sizeS2M(f));
	check(buf[0] == (n & 0xff) && buf[4] == f->type);
	memmove(buf2, buf, n);
	memset(g, 0, sizeof *g);
	m = convM2S(buf2, n, g);
	check(m == n);
	check(g->type == f->type && g->tag == f->tag);
	return n;
}

static void
messages(void)
{
	Fcall f, g;
	char *names[] = {"usr", "glenda", "lib"};
	int i;

	memset(&f, 0, sizeof f);
	f.type = Tversion; f.tag = NOTAG; f.msize = 8192+IOHDRSZ; f.version = VERSION9P;
	roundtrip(&f, &g);
	check(g.msize == 8192+IOHDRSZ && strcmp(g.version, "9P2000") == 0);

	memset(&f, 0, sizeof f);
	f.type = Tattach; f.tag = 1; f.fid = 0; f.afid = NOFID; f.uname = "glenda"; f.aname = "";
	roundtrip(&f, &g);
	check(g.fid == 0 && g.afid == NOFID && strcmp(g.uname, "glenda") == 0 && strcmp(g.aname, "") == 0);

	memset(&f, 0, sizeof f);
	f.type = Twalk; f.tag = 2; f.fid = 0; f.newfid = 1; f.nwname = 3;
	for(i = 0; i < 3; i++)
		f.wname[i] = names[i];
	roundtrip(&f, &g);
	check(g.fid == 0 && g.newfid == 1 && g.nwname == 3);
	for(i = 0; i < 3; i++)
		check(strcmp(g.wname[i], names[i]) == 0);

	memset(&f, 0, sizeof f);
	f.type = Rwalk; f.tag = 2; f.nwqid = 2;
	f.wqid[0].path = 1; f.wqid[0].type = 0x80;
	f.wqid[1].path = 0x1122334455667788ULL; f.wqid[1].vers = 7;
	roundtrip(&f, &g);
	check(g.nwqid == 2 && g.wqid[0].type == 0x80 && g.wqid[1].path == 0x1122334455667788ULL && g.wqid[1].vers == 7);

	memset(&f, 0, sizeof f);
	f.type = Tcreate; f.tag = 3; f.fid = 4; f.name = "new"; f.perm = 0x80000000|0755; f.mode = 2;
	roundtrip(&f, &g);
	check(g.fid == 4 && strcmp(g.name, "new") == 0 && g.perm == (0x80000000|0755) && g.mode == 2);

	memset(&f, 0, sizeof f);
	f.type = Twrite; f.tag = 4; f.fid = 5; f.offset = 1LL<<40; f.count = 5; f.data = "hello";
	roundtrip(&f, &g);
	check(g.fid == 5 && g.offset == 1LL<<40 && g.count == 5 && memcmp(g.data, "hello", 5) == 0);
	/* The data points into the buffer, as 9front's. */
	check((uchar*)g.data == buf2 + 23);

	memset(&f, 0, sizeof f);
	f.type = Rerror; f.tag = 5; f.ename = "file does not exist";
	roundtrip(&f, &g);
	check(strcmp(g.ename, "file does not exist") == 0);

	memset(&f, 0, sizeof f);
	f.type = Ropen; f.tag = 6; f.qid.path = 9; f.qid.vers = 1; f.qid.type = 0; f.iounit = 8192;
	roundtrip(&f, &g);
	check(g.qid.path == 9 && g.qid.vers == 1 && g.iounit == 8192);

	memset(&f, 0, sizeof f);
	f.type = Tflush; f.tag = 7; f.oldtag = 6;
	roundtrip(&f, &g);
	check(g.oldtag == 6);

	memset(&f, 0, sizeof f);
	f.type = Tread; f.tag = 8; f.fid = 1; f.offset = 100; f.count = 200;
	roundtrip(&f, &g);
	check(g.fid == 1 && g.offset == 100 && g.count == 200);

	memset(&f, 0, sizeof f);
	f.type = Rclunk; f.tag = 9;
	check(roundtrip(&f, &g) == 7);

	/* Too many names is refused, as is a short buffer. */
	memset(&f, 0, sizeof f);
	f.type = Twalk; f.nwname = MAXWELEM+1;
	check(convS2M(&f, buf, sizeof buf) == 0);
	memset(&f, 0, sizeof f);
	f.type = Tversion; f.msize = 1; f.version = VERSION9P;
	check(convS2M(&f, buf, 10) == 0);
}

static void
wire(void)
{
	/* Tversion tag NOTAG msize 8192 version "9P2000", from intro(5). */
	uchar m[] = {19,0,0,0, 100, 0xff,0xff, 0,0x20,0,0, 6,0, '9','P','2','0','0','0'};
	Fcall f;

	check(convM2S(m, sizeof m, &f) == sizeof m);
	check(f.type == Tversion && f.tag == NOTAG && f.msize == 8192 && strcmp(f.version, "9P2000") == 0);
	/* gstring: the string moved down over its count, NUL after it. */
	check((uchar*)f.version == m + 12 && m[18] == 0);

	/* Truncated, short size field, bad type: 0, as 9front's. */
	uchar t[] = {19,0,0,0, 100, 0xff,0xff, 0,0x20,0,0, 6,0, '9','P'};
	check(convM2S(t, sizeof t, &f) == 0);
	uchar s[] = {6,0,0,0, 120, 0,0};
	check(convM2S(s, sizeof s, &f) == 0);
	uchar b[] = {7,0,0,0, 106, 0,0};
	check(convM2S(b, sizeof b, &f) == 0);
}

static void
dirs(void)
{
	Dir d, e;
	char strs[256];
	uint n;

	memset(&d, 0, sizeof d);
	d.qid.path = 42; d.qid.vers = 3; d.qid.type = 0x80;
	d.mode = 0x80000000|0775; d.atime = 1000; d.mtime = 2000; d.length = 0;
	d.name = "usr"; d.uid = "glenda"; d.gid = "sys"; d.muid = "glenda";
	n = convD2M(&d, buf, sizeof buf);
	check(n == sizeD2M(&d));
	check(n == STATFIXLEN + 3 + 6 + 3 + 6);
	check(statcheck(buf, n) == 0);
	check(statcheck(buf, n-1) < 0);
	memset(&e, 0, sizeof e);
	check(convM2D(buf, n, &e, strs) == n);
	check(e.qid.path == 42 && e.qid.vers == 3 && e.qid.type == 0x80);
	check(e.mode == (0x80000000|0775) && e.atime == 1000 && e.mtime == 2000);
	check(strcmp(e.name, "usr") == 0 && strcmp(e.uid, "glenda") == 0);
	check(strcmp(e.gid, "sys") == 0 && strcmp(e.muid, "glenda") == 0);
	/* Without strs, the strings are empty. */
	check(convM2D(buf, n, &e, NULL) == n && e.name[0] == 0);
	/* A short buffer gets only the size, as 9front's convD2M. */
	check(convD2M(&d, buf, BIT16SZ) == BIT16SZ);
	check(convM2D(buf, STATFIXLEN-1, &e, strs) == 0);
}

int
bridge_c_test(void)
{
	messages();
	wire();
	dirs();
	return fails;
}
