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

char *
render_config(size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	if (f == NULL)
		return NULL;
	fprintf(f, "!\nversion 0.1\n!\n");
	for (int i = 0; i < nparts; i++)
		parts[i].fn(f);
	fprintf(f, "end\n");
	fclose(f);
	if (len)
		*len = n;
	return buf;
}
