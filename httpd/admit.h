/* SPDX-License-Identifier: ISC */
/*
 * admit.h: --max-clients, counted where long-lived clients (streams,
 * stills waiting for a frame) are admitted and where they leave.
 */
#ifndef HTTPD_ADMIT_H
#define HTTPD_ADMIT_H

struct admit {
	int	 n;	/* admitted now */
	int	 max;
};

/* Admits one more client: 0, or -1 when max are in. */
static inline int
admit_take(struct admit *a)
{
	if (a->n >= a->max)
		return (-1);
	a->n++;
	return (0);
}

/* An admitted client left. */
static inline void
admit_put(struct admit *a)
{
	if (a->n > 0)
		a->n--;
}

#endif
