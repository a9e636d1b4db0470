/* parser/parser.h - the one header other parts include to use parser/:
 * the command tables and IOS parser (parser/cmd.h), the session interface
 * the parser declares and shell/ implements (parser/vty.h), and the
 * installation of every part's commands (parser/commands.h). The other
 * headers of parser/ are internal to it. */
#ifndef PARSER_PARSER_H
#define PARSER_PARSER_H
#include "parser/cmd.h"
#include "parser/vty.h"
#include "parser/commands.h"

#endif
