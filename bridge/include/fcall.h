/*
 * planten's bridge: 9P2000 conversion functions with 9front's names and
 * C interface, implemented in Rust (bridge/src/lib.rs over planten's
 * libc::fcall). Written for planten; the types have the layout of
 * 9front's Qid, Dir (libc.h) and Fcall (fcall.h) on amd64, where a
 * ulong is 32 bits, so C code written for 9front compiles against it.
 */
#ifndef PLANTEN_FCALL_H
#define PLANTEN_FCALL_H

#include <stdint.h>

typedef unsigned char uchar;
typedef unsigned short ushort;
typedef unsigned int uint;
typedef uint32_t u32int;
typedef int64_t vlong;
typedef uint64_t uvlong;

typedef struct Qid Qid;
struct Qid
{
	uvlong	path;
	u32int	vers;
	uchar	type;
};

typedef struct Dir Dir;
struct Dir
{
	ushort	type;	/* server type */
	uint	dev;	/* server subtype */
	Qid	qid;
	u32int	mode;	/* permissions and DM bits */
	u32int	atime;
	u32int	mtime;
	vlong	length;
	char	*name;
	char	*uid;
	char	*gid;
	char	*muid;
};

#define	VERSION9P	"9P2000"
#define	MAXWELEM	16

typedef struct Fcall Fcall;
struct Fcall
{
	uchar	type;
	u32int	fid;
	ushort	tag;
	union {
		struct {
			u32int	msize;		/* T/Rversion */
			char	*version;
		};
		struct {
			ushort	oldtag;		/* Tflush */
		};
		struct {
			char	*ename;		/* Rerror */
		};
		struct {
			Qid	qid;		/* Rattach, Ropen, Rcreate */
			u32int	iounit;		/* Ropen, Rcreate */
		};
		struct {
			Qid	aqid;		/* Rauth */
		};
		struct {
			u32int	afid;		/* Tauth, Tattach */
			char	*uname;
			char	*aname;
		};
		struct {
			u32int	perm;		/* Tcreate */
			char	*name;
			uchar	mode;		/* Tcreate, Topen */
		};
		struct {
			u32int	newfid;		/* Twalk */
			ushort	nwname;
			char	*wname[MAXWELEM];
		};
		struct {
			ushort	nwqid;		/* Rwalk */
			Qid	wqid[MAXWELEM];
		};
		struct {
			vlong	offset;		/* Tread, Twrite */
			u32int	count;		/* Tread, Twrite, Rread */
			char	*data;		/* Twrite, Rread */
		};
		struct {
			ushort	nstat;		/* Twstat, Rstat */
			uchar	*stat;
		};
	};
};

#define	BIT8SZ		1
#define	BIT16SZ		2
#define	BIT32SZ		4
#define	BIT64SZ		8
#define	QIDSZ	(BIT8SZ+BIT32SZ+BIT64SZ)
#define	STATFIXLEN	(BIT16SZ+QIDSZ+5*BIT16SZ+4*BIT32SZ+1*BIT64SZ)
#define	NOTAG		(ushort)~0U
#define	NOFID		(u32int)~0U
#define	IOHDRSZ		24

enum
{
	Tversion =	100,
	Rversion,
	Tauth =		102,
	Rauth,
	Tattach =	104,
	Rattach,
	Terror =	106,	/* illegal */
	Rerror,
	Tflush =	108,
	Rflush,
	Twalk =		110,
	Rwalk,
	Topen =		112,
	Ropen,
	Tcreate =	114,
	Rcreate,
	Tread =		116,
	Rread,
	Twrite =	118,
	Rwrite,
	Tclunk =	120,
	Rclunk,
	Tremove =	122,
	Rremove,
	Tstat =		124,
	Rstat,
	Twstat =	126,
	Rwstat,
	Tmax,
};

/*
 * As 9front's: convM2S decodes the message at ap (nap bytes) into f and
 * returns its size, or 0; strings are NUL-terminated in place in ap and
 * f points into ap. convS2M encodes f into ap and returns the size, or 0
 * if it does not fit. convM2D decodes a directory entry, copying its
 * strings into strs when strs is not nil; convD2M encodes one.
 */
uint	convM2S(uchar *ap, uint nap, Fcall *f);
uint	convS2M(Fcall *f, uchar *ap, uint nap);
uint	sizeS2M(Fcall *f);
int	statcheck(uchar *abuf, uint nbuf);
uint	convM2D(uchar *buf, uint nbuf, Dir *d, char *strs);
uint	convD2M(Dir *d, uchar *buf, uint nbuf);
uint	sizeD2M(Dir *d);

#endif
