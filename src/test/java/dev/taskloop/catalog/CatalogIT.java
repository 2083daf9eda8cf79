package dev.taskloop.catalog;

import static dev.taskloop.support.ProblemAssertions.assertProblem;
import static dev.taskloop.support.ProblemAssertions.errorFields;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskloop.support.Http;
import dev.taskloop.support.SharedServer;
import dev.taskloop.support.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Categories and items over HTTP, on SQLite and on PostgreSQL. */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class CatalogIT extends SharedServer {

  @BeforeEach
  void emptyCatalog() {
    server.sql("DELETE FROM items");
    server.sql("DELETE FROM categories");
  }

  static long category(Http as, String name) {
    var response = as.post("/categories", "{\"name\":\"" + name + "\"}");
    assertEquals(201, response.status(), response::toString);
    return response.json().get("id").asLong();
  }

  static JsonNode item(Http as, long category, String name, String price) {
    var response =
        as.post(
            "/items",
            "{\"category_id\":"
                + category
                + ",\"name\":\""
                + name
                + "\",\"price\":\""
                + price
                + "\"}");
    assertEquals(201, response.status(), response::toString);
    return response.json();
  }

  @Test
  void createsReadsRenamesAndDeletesACategory() {
    var created = http.post("/categories", "{\"name\":\"  Groceries \"}");
    assertEquals(201, created.status(), created::toString);
    long id = created.json().get("id").asLong();
    assertEquals("/categories/" + id, created.header("location").orElseThrow());
    assertEquals("Groceries", created.json().get("name").asText());
    assertFalse(created.json().has("items"), "no items unless embedded");

    var read = http.get("/categories/" + id);
    assertEquals(200, read.status());
    assertEquals(0, read.json().get("items").size());

    var renamed = http.patch("/categories/" + id, "{\"name\":\"Food\"}");
    assertEquals("Food", renamed.json().get("name").asText());
    assertEquals(204, http.delete("/categories/" + id).status());
    assertProblem(http.get("/categories/" + id), 404, "not-found");
  }

  @Test
  void categoryNamesAreUniquePerUserInAnyCase() throws Exception {
    category(http, "Books");
    assertProblem(http.post("/categories", "{\"name\":\"BOOKS\"}"), 409, "conflict");
    long other = category(http, "Music");
    assertProblem(http.patch("/categories/" + other, "{\"name\":\"books\"}"), 409, "conflict");
    Http bob = server.newUser("catalog-bob-" + database + "@example.com");
    category(bob, "Books"); // another user's namespace

    var pool = Executors.newFixedThreadPool(6);
    try {
      var calls = new ArrayList<Callable<Integer>>();
      for (int i = 0; i < 6; i++) {
        calls.add(() -> http.post("/categories", "{\"name\":\"Race\"}").status());
      }
      var statuses = new ArrayList<Integer>();
      for (var f : pool.invokeAll(calls)) {
        statuses.add(f.get());
      }
      assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
      assertEquals(5, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void pricesAreExactDecimalsWithTwoPlaces() {
    long c = category(http, "Prices");
    assertEquals("0.10", item(http, c, "dime", "0.1").get("price").asText());
    assertEquals("12.50", item(http, c, "half", "12.5").get("price").asText());
    assertEquals("9999999999.99", item(http, c, "max", "9999999999.99").get("price").asText());
    assertEquals("0.00", item(http, c, "free", "0").get("price").asText());
    for (String bad :
        List.of("\"-1.00\"", "\"1.234\"", "\"abc\"", "1.234", "-1", "1e10", "\"1e3\"", "null")) {
      var response =
          http.post("/items", "{\"category_id\":" + c + ",\"name\":\"x\",\"price\":" + bad + "}");
      assertEquals(Set.of("price"), errorFields(response), bad);
    }
  }

  @Test
  void pricesMayBeJsonNumbersReadExactly() {
    long c = category(http, "Numbers");
    for (String[] sent :
        new String[][] {{"12.5", "12.50"}, {"0.1", "0.10"}, {"7", "7.00"}, {"1.25e1", "12.50"}}) {
      var created =
          http.post(
              "/items", "{\"category_id\":" + c + ",\"name\":\"n\",\"price\":" + sent[0] + "}");
      assertEquals(201, created.status(), created::toString);
      assertEquals(sent[1], created.json().get("price").asText(), sent[0]);
    }
    long id = item(http, c, "patched", "1").get("id").asLong();
    var patched = http.patch("/items/" + id, "{\"price\":0.29}");
    assertEquals("0.29", patched.json().get("price").asText(), patched::toString);
  }

  @Test
  void itemsValidateEveryField() {
    var response =
        http.post("/items", "{\"category_id\":0,\"name\":\"\",\"description\":5,\"price\":-7}");
    assertEquals(Set.of("category_id", "name", "description", "price"), errorFields(response));
  }

  @Test
  void embedsItemsWithAFixedNumberOfStatements() {
    var ids = new ArrayList<Long>();
    for (int i = 0; i < 6; i++) {
      long c = category(http, "c" + i);
      ids.add(c);
      for (int j = 0; j < 4; j++) {
        item(http, c, "i" + i + "-" + j, j + ".25");
      }
    }
    http.get("/categories?include=items"); // warm: nothing but the query itself below
    var db = server.app().database();

    long before = db.statements();
    var page = http.get("/categories?include=items&limit=100");
    long list = db.statements() - before;

    before = db.statements();
    var one = http.get("/categories/" + ids.get(2));
    long single = db.statements() - before;

    assertEquals(200, page.status());
    assertEquals(6, page.json().size());
    for (JsonNode category : page.json()) {
      assertEquals(4, category.get("items").size());
      for (JsonNode item : category.get("items")) {
        assertEquals(category.get("id"), item.get("category_id"));
      }
    }
    assertEquals(4, one.json().get("items").size());
    assertTrue(list <= 2, list + " statements for the page");
    assertTrue(single <= 2, single + " statements for one category");
    assertFalse(http.get("/categories").json().get(0).has("items"), "only with include=items");
    assertEquals(Set.of("include"), errorFields(http.get("/categories?include=tasks")));
  }

  @Test
  void deletingACategoryWithItemsNeedsCascade() {
    long c = category(http, "Full");
    long item = item(http, c, "thing", "1.00").get("id").asLong();
    assertProblem(http.delete("/categories/" + c), 409, "conflict");
    assertEquals(200, http.get("/items/" + item).status(), "nothing was deleted");
    assertEquals(204, http.delete("/categories/" + c + "?cascade=true").status());
    assertProblem(http.get("/items/" + item), 404, "not-found");
    assertProblem(http.get("/categories/" + c), 404, "not-found");
  }

  @Test
  void itemsUpdateByPutAndPatchAndMoveOnlyWithinTheOwner() {
    long a = category(http, "A");
    long b = category(http, "B");
    long id = item(http, a, "lamp", "20.00").get("id").asLong();

    var patched = http.patch("/items/" + id, "{\"price\":\"19.99\",\"description\":\"desk lamp\"}");
    assertEquals(200, patched.status(), patched::toString);
    assertEquals("19.99", patched.json().get("price").asText());
    assertEquals("lamp", patched.json().get("name").asText());

    var put =
        http.send(
            "PUT",
            "/items/" + id,
            "application/json",
            "{\"category_id\":" + b + ",\"name\":\"Lamp\",\"price\":\"18\"}");
    assertEquals(200, put.status(), put::toString);
    assertEquals(b, put.json().get("category_id").asLong());
    assertTrue(put.json().get("description").isNull(), "PUT replaces the whole item");

    Http bob = server.newUser("catalog-mover-" + database + "@example.com");
    long bobs = category(bob, "Bob's");
    assertProblem(http.patch("/items/" + id, "{\"category_id\":" + bobs + "}"), 404, "not-found");
    assertProblem(
        http.post("/items", "{\"category_id\":" + bobs + ",\"name\":\"x\",\"price\":\"1\"}"),
        404,
        "not-found");
    assertEquals(b, http.get("/items/" + id).json().get("category_id").asLong(), "unchanged");
  }

  @Test
  void listsFilterPageAndLink() {
    long a = category(http, "A");
    long b = category(http, "B");
    var inA = new ArrayList<Long>();
    for (int i = 0; i < 3; i++) {
      inA.add(item(http, a, "a" + i, "1.00").get("id").asLong());
      item(http, b, "b" + i, "2.00");
    }
    var page = http.get("/items?category_id=" + a + "&limit=2");
    assertEquals(inA.subList(0, 2), page.ids());
    String link = page.header("link").orElseThrow();
    assertEquals(
        "</items?after=" + inA.get(1) + "&limit=2&category_id=" + a + ">; rel=\"next\"", link);
    assertEquals(inA.subList(2, 3), http.get(link.substring(1, link.indexOf('>'))).ids());
    assertEquals(6, http.get("/items?limit=100").ids().size());
    assertEquals(List.of(b), http.get("/categories?skip=1").ids());
    assertEquals(List.of(b), http.get("/categories?after=" + a).ids());
  }

  @Test
  void anotherUsersCatalogIsNotFound() {
    long c = category(http, "Mine");
    long item = item(http, c, "secret", "5.00").get("id").asLong();
    Http bob = server.newUser("catalog-spy-" + database + "@example.com");
    assertProblem(bob.get("/categories/" + c), 404, "not-found");
    assertProblem(bob.patch("/categories/" + c, "{\"name\":\"x\"}"), 404, "not-found");
    assertProblem(bob.delete("/categories/" + c + "?cascade=true"), 404, "not-found");
    assertProblem(bob.get("/items/" + item), 404, "not-found");
    assertProblem(bob.patch("/items/" + item, "{\"name\":\"x\"}"), 404, "not-found");
    assertProblem(bob.delete("/items/" + item), 404, "not-found");
    assertEquals(List.of(), bob.get("/categories?include=items").ids());
    assertEquals(List.of(), bob.get("/items?category_id=" + c).ids());
    assertEquals(1, http.get("/categories/" + c).json().get("items").size(), "untouched");
  }
}
