/* parser/render.h - running-config assembly from registered parts */
#ifndef PARSER_RENDER_H
#define PARSER_RENDER_H
#include <stdio.h>

/* Parts render in ascending order: 10 system, 50 PKI, 90 lines. */
void	 render_register(int order, void (*fn)(FILE *));
/* The configuration body ("!" ... "end\n"), malloc'd. */
char	*render_config(size_t *len);

#endif
