module example.com/bookstore/catalog

go 1.24
