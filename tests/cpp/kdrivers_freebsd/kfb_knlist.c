/*
 * A driver's knlist (sys/event.h) with knotes attached by hand (no
 * kqueue: kn_kq null, so KNOTE only asks f_event), as a kqueue attaches
 * them through d_kqfilter (kfb_kq.c for that): each function logs what it
 * saw through kfb_note (kfb.h).
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/lock.h>
#include <sys/mutex.h>
#include <sys/event.h>
#include <sys/selinfo.h>

#include "kfb.h"
#include "kfb_state.h"

static struct selinfo sel;
static struct knote kn1, kn2;

/* f_event: under the list's lock; logs the hint and answers "ready". */
static int
kn_event(struct knote *kn, long hint)
{
	mtx_assert(&kfb.a, MA_OWNED);
	kfb_note(hint * 10 + (kn == &kn1 ? 1 : 2));
	kn->kn_data = hint;
	return (1);
}

static void
kn_detach(struct knote *kn)
{
	knlist_remove(&sel.si_note, kn, 0);
}

static struct filterops ops = { .f_isfd = 1, .f_detach = kn_detach, .f_event = kn_event };

static void
attach_two(void)
{
	knlist_init_mtx(&sel.si_note, &kfb.a);
	kn1.kn_fop = &ops;
	kn2.kn_fop = &ops;
	knlist_add(&sel.si_note, &kn1, 0);
	mtx_lock(&kfb.a);
	knlist_add(&sel.si_note, &kn2, 1);
	mtx_unlock(&kfb.a);
}

/* Logs 11/12 (KNOTE_LOCKED, hint 1), 21/22 (KNOTE_UNLOCKED, hint 2),
 * 32 after one detach, then 1 (empty after knlist_clear) and 2 (EV_EOF). */
void kfb_knlist_life(void *arg)
{
	(void)arg;
	attach_two();
	mtx_lock(&kfb.a);
	KNOTE_LOCKED(&sel.si_note, 1);
	mtx_unlock(&kfb.a);
	KNOTE_UNLOCKED(&sel.si_note, 2);
	kn_detach(&kn1);
	KNOTE_UNLOCKED(&sel.si_note, 3);
	knlist_clear(&sel.si_note, 0);
	mtx_lock(&kfb.a);
	if (knlist_empty(&sel.si_note))
		kfb_note(1);
	mtx_unlock(&kfb.a);
	if ((kn2.kn_flags & EV_EOF) && kn2.kn_knlist == NULL)
		kfb_note(2);
	knlist_destroy(&sel.si_note);
	seldrain(&sel);
}

/* KNOTE_LOCKED without the list's lock. */
void kfb_knlist_unlocked(void *arg)
{
	(void)arg;
	attach_two();
	KNOTE_LOCKED(&sel.si_note, 1);
}

/* knlist_destroy with knotes still on the list. */
void kfb_knlist_destroy_full(void *arg)
{
	(void)arg;
	attach_two();
	knlist_destroy(&sel.si_note);
}
