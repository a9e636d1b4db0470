/* parser/render.c - running-config assembly */
#include <stdio.h>
#include <stdlib.h>
#include "parser/render.h"
#include "conf/conf.h"

#define MAX_PARTS	16

static struct part {
	int	 order;
	void	(*fn)(FILE *);
} parts[MAX_PARTS];
static int nparts;

void
render_register(int order, void (*fn)(FILE *))
{
	int i;

	if (nparts == MAX_PARTS)
		return;
	for (i = nparts; i > 0 && parts[i - 1].order > order; i--)
		parts[i] = parts[i - 1];
	parts[i] = (struct part){ order, fn };
	nparts++;
}

static _Thread_local enum render_view cur_view;

enum render_view
render_view(void)
{
	return cur_view;
}

char *
render_config(size_t *len)
{
	return render_config_view(RV_NORMAL, len);
}

char *
render_config_view(enum render_view view, size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	if (f == NULL)
		return NULL;
	fprintf(f, "!\nversion 0.1\n!\n");
	cur_view = view;
	for (int i = 0; i < nparts; i++)
		parts[i].fn(f);
	cur_view = RV_NORMAL;
	fprintf(f, "end\n");
	fclose(f);
	if (len)
		*len = n;
	return buf;
}
