/* data_classes.h: what every column of every table holds, and what the
 * purge of a seller does with each table (domain/purge.c).
 *
 * One registry for the whole schema: a test (tests/unit/test_data_classes.c)
 * fails when a table or column exists that it does not classify, or when it
 * names one that does not exist, on both backends. A new column is thereby
 * a decision about personal data, made where it is added. */
#ifndef OB_DATA_CLASSES_H
#define OB_DATA_CLASSES_H

#include <stddef.h>

enum data_class {
	DC_SELLER_PERSONAL,  /* the seller's identity, contact and bank details */
	DC_BUYER_PERSONAL,   /* the seller's buyers: names, shipping addresses */
	DC_FREE_TEXT,        /* text written by people that may name someone */
	DC_SECRET,           /* credentials and key material */
	DC_FINANCIAL,        /* amounts, dates and references of money and sales */
	DC_OPERATIONAL,      /* ids, states, counters, times of the service itself */
};

/* What the purge does with a table's rows of the seller. */
enum purge_action {
	PURGE_DELETE,        /* deleted */
	PURGE_PSEUDONYMISE,  /* kept for the law: the owner column becomes the
			      * pseudonym and every column of a personal, free
			      * text or secret class becomes empty; deleted when
			      * the retention of financial records ends */
	PURGE_RETAIN,        /* kept as they are: they hold no personal data and
			      * reach the seller only through a pseudonymised
			      * table or an id (counted for the certificate) */
	PURGE_NONE,          /* not the seller's data */
};

struct data_table {
	const char *name;
	enum purge_action action;
	/* SQL naming the seller's rows, with one parameter for the seller (or
	 * the pseudonym) written as %s (the backend puts its placeholder):
	 * "seller_id = %s". NULL for PURGE_NONE. */
	const char *owner;
	const char *owner_column;   /* what PURGE_PSEUDONYMISE sets */
	const char *key;            /* the columns that name one row: "id", "seller_id, sku" */
	const char *legal_basis;    /* why retained rows are kept; NULL when none are */
};

struct data_column {
	const char *table;
	const char *column;
	enum data_class cls;
	int sealed;                 /* stored sealed with the seller's data key */
};

/* The tables in the order a purge goes through them (children before the
 * rows they refer to), then the tables that are not the seller's. */
extern const struct data_table data_tables[];
extern const size_t data_tables_count;

extern const struct data_column data_columns[];
extern const size_t data_columns_count;

/* The table of that name, or NULL. */
const struct data_table *data_table_find(const char *name);

/* Whether the purge empties columns of this class in kept rows. */
int data_class_erased(enum data_class cls);

/* "seller_personal", ... */
const char *data_class_name(enum data_class cls);

#endif
