from pager.core import page_count, page_slice
