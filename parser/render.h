/* parser/render.h - running-config assembly from registered parts */
#ifndef PARSER_RENDER_H
#define PARSER_RENDER_H
#include <stdio.h>

/* Parts render in ascending order: 10 system, 50 PKI, 90 lines. */
void	 render_register(int order, void (*fn)(FILE *));
/* What `show running-config [all|brief|full]` asks for: RV_ALL adds the
 * commands left at their defaults, RV_BRIEF leaves out certificate data
 * (RV_FULL is the normal view: pkish abbreviates nothing). */
enum render_view { RV_NORMAL, RV_ALL, RV_BRIEF, RV_FULL };
/* The configuration body ("!" ... "end\n"), malloc'd. */
char	*render_config(size_t *len);
char	*render_config_view(enum render_view, size_t *len);
/* The view of the rendering in progress on this thread (for parts). */
enum render_view render_view(void);

#endif
