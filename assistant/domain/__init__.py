"""Domain knowledge: the monograph page format (:mod:`assistant.domain.page_format`)."""
